/**
 * The vector command groups: `similar`, `analogy`, `eval`, `index`, `convert`. Each lives in
 * its own file; this one holds what they share (loading with warnings, flag parsers).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { KeyedVectors } from '../vectors/keyed-vectors.js';
import { VECTOR_FORMATS, type VectorFormat } from '../vectors/formats/index.js';
import type { Output } from './output.js';
import { registerSimilarCommands } from './similar.js';
import { registerEvalCommands } from './eval.js';
import { registerIndexCommands } from './index-cmd.js';
import { registerConvertCommand } from './convert.js';

export function registerVectorCommands(program: Command, output: () => Output): void {
  registerSimilarCommands(program, output);
  registerEvalCommands(program, output);
  registerIndexCommands(program, output);
  registerConvertCommand(program, output);
}

export interface LoadFlags {
  limit?: number;
  format?: VectorFormat | 'auto';
}

/** Loads a vectors file, logging tolerated problems as warnings on stderr. */
export async function loadForCli(path: string, flags: LoadFlags, out: Output): Promise<KeyedVectors> {
  return KeyedVectors.fromFile(path, {
    limit: flags.limit,
    format: flags.format ?? 'auto',
    onWarning: (message) => out.log(`warning: ${message}`),
  });
}

export const positiveInteger = (flag: string) => (value: string): number => {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new InvalidArgumentError(`${flag} expects a positive integer, got "${value}"`);
  return Number(value);
};

/** A format flag: auto, the four format names, or the short text / binary. */
export const parseFormatFlag = (flag: string) => (value: string): VectorFormat | 'auto' => {
  const short: Record<string, VectorFormat> = { text: 'word2vec-text', binary: 'word2vec-binary' };
  const format: string = short[value] ?? value;
  if (format !== 'auto' && !(VECTOR_FORMATS as readonly string[]).includes(format)) {
    throw new InvalidArgumentError(`${flag} expects auto, text, binary or one of ${VECTOR_FORMATS.join(', ')}, got "${value}"`);
  }
  return format as VectorFormat | 'auto';
};

/** Adds --limit and --format (input) to a command that loads vectors. */
export function withLoadFlags(command: Command): Command {
  return command
    .option('--limit <n>', 'load only the first n words of the file', positiveInteger('--limit'))
    .option('--format <format>', 'input format: auto (default), text, binary, glove, fasttext-vec, word2vec-text, word2vec-binary', parseFormatFlag('--format'));
}

export function formatSimilarity(x: number): string {
  return x.toFixed(4);
}

export function percent(x: number): string {
  return Number.isNaN(x) ? '-' : `${(x * 100).toFixed(2)}%`;
}
