/**
 * The vector command groups: `similar`, `analogy`, `eval`, `index`, `convert`. Each lives in
 * its own file; this one holds what they share (loading with warnings, the neighbour table).
 */
import { Option, type Command } from 'commander';
import { KeyedVectors } from '../vectors/keyed-vectors.js';
import type { VectorFormat } from '../vectors/formats/index.js';
import { positiveInteger, vectorFormatOption } from './option-parsers.js';
import { table, type Output } from './output.js';
import type { Neighbor } from '../vectors/keyed-vectors.js';
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
  from?: VectorFormat | 'auto';
  /** --from's old name, kept working. */
  format?: VectorFormat | 'auto';
}

/** Loads a vectors file, logging tolerated problems as warnings on stderr. */
export async function loadForCli(path: string, flags: LoadFlags, out: Output): Promise<KeyedVectors> {
  const vectors = await KeyedVectors.fromFile(path, {
    limit: flags.limit,
    format: flags.from ?? flags.format ?? 'auto',
    onWarning: (message) => out.warn(message),
  });
  // a word that --limit left out is not "not in the vocabulary": the message says which it is
  if (flags.limit !== undefined && vectors.size >= flags.limit) {
    return new KeyedVectors(vectors.set, { name: `${path} as loaded (its first ${flags.limit} words, --limit ${flags.limit}; a larger --limit may have it)`, subwords: vectors.subwords });
  }
  return vectors;
}


/**
 * Adds --limit and --from (the input format, as in convert; `--format`, its old name, still works)
 * to a command that loads vectors.
 */
export function withLoadFlags(command: Command): Command {
  return command
    .option('--limit <n>', 'load only the first n words of the file', positiveInteger('--limit'))
    .option('--from <format>', 'input format: auto, text, binary, glove, fasttext-vec, word2vec-text, word2vec-binary (default: auto)', vectorFormatOption('--from', { auto: true }))
    .addOption(new Option('--format <format>').argParser(vectorFormatOption('--format', { auto: true })).hideHelp());
}

/** Ranked neighbours as the `rank word similarity` table every query command prints. */
export function neighborTable(neighbors: Neighbor[]): string {
  return table(
    ['rank', 'word', 'similarity'],
    neighbors.map((n, i) => [i + 1, n.word, formatSimilarity(n.similarity)]),
  );
}

function formatSimilarity(x: number): string {
  return x.toFixed(4);
}

export function percent(x: number): string {
  return Number.isNaN(x) ? '-' : `${(x * 100).toFixed(2)}%`;
}
