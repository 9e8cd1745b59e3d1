/**
 * The vector command groups: `similar`, `analogy`, `eval`, `index`, `convert`. Each lives in
 * its own file; this one holds what they share (loading with warnings, the neighbour table).
 */
import type { Command } from 'commander';
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
  format?: VectorFormat | 'auto';
}

/** Loads a vectors file, logging tolerated problems as warnings on stderr. */
export async function loadForCli(path: string, flags: LoadFlags, out: Output): Promise<KeyedVectors> {
  return KeyedVectors.fromFile(path, {
    limit: flags.limit,
    format: flags.format ?? 'auto',
    onWarning: (message) => out.warn(message),
  });
}


/** Adds --limit and --format (input) to a command that loads vectors. */
export function withLoadFlags(command: Command): Command {
  return command
    .option('--limit <n>', 'load only the first n words of the file', positiveInteger('--limit'))
    .option('--format <format>', 'input format: auto (default), text, binary, glove, fasttext-vec, word2vec-text, word2vec-binary', vectorFormatOption('--format', { auto: true }));
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
