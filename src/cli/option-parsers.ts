/**
 * Parsers for command-line flag values, shared by every command so that the same kind of flag
 * is checked and reported the same way. A bad value is a usage error (commander prints it and
 * the CLI exits 2); range checks beyond the sign belong to the library's options objects.
 */
import { InvalidArgumentError } from 'commander';
import { VECTOR_FORMATS, type VectorFormat } from '../vectors/formats/index.js';

/** An integer flag; `min` 0 or 1 also rejects negatives (and zero) with a message saying so. */
export const integerOption =
  (flag: string, { min }: { min?: 0 | 1 } = {}) =>
  (value: string): number => {
    const kind = min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : 'an integer';
    const pattern = min === undefined ? /^-?\d+$/ : /^\d+$/;
    if (!pattern.test(value.trim()) || (min !== undefined && Number(value) < min)) {
      throw new InvalidArgumentError(`${flag} expects ${kind}, got "${value}"`);
    }
    return Number(value);
  };

export const positiveInteger = (flag: string) => integerOption(flag, { min: 1 });

/** A finite number flag (`1e-4`, `0.025`). */
export const numberOption =
  (flag: string) =>
  (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${flag} expects a number, got "${value}"`);
    return n;
  };

const SHORT_FORMATS: Record<string, VectorFormat> = { text: 'word2vec-text', binary: 'word2vec-binary' };

/** A vectors-format flag: the four format names or the short `text` / `binary`, and `auto` for inputs. */
export function vectorFormatOption(flag: string, options: { auto: true }): (value: string) => VectorFormat | 'auto';
export function vectorFormatOption(flag: string, options?: { auto: false }): (value: string) => VectorFormat;
export function vectorFormatOption(flag: string, { auto = false }: { auto?: boolean } = {}) {
  return (value: string): VectorFormat | 'auto' => {
    const format: string = SHORT_FORMATS[value] ?? value;
    if ((auto && format === 'auto') || (VECTOR_FORMATS as readonly string[]).includes(format)) return format as VectorFormat | 'auto';
    throw new InvalidArgumentError(
      `${flag} expects ${auto ? 'auto, ' : ''}text, binary or one of ${VECTOR_FORMATS.join(', ')}, got "${value}"`,
    );
  };
}
