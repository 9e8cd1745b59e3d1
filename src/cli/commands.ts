import type { Command } from 'commander';
import type { Output } from './output.js';

/** Each command group lives in its own file and registers itself here. */
export function registerCommands(program: Command, output: () => Output): void {
  void program;
  void output;
}
