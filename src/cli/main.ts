#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { WordloomError } from '../errors.js';
import { Output, type GlobalOptions } from './output.js';
import { registerCommands } from './commands.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('wordloom')
    .description('Word embeddings and neural sequence models: train, query and evaluate.')
    .version(pkg.version, '-V, --version')
    .option('-q, --quiet', 'no progress or log lines on stderr', false)
    .option('--json', 'machine-readable results on stdout', false)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const output = (): Output => new Output(program.opts<GlobalOptions>());
  registerCommands(program, output);
  return program;
}

/** Maps any failure to one line on stderr and an exit code: 2 for usage, 1 for the rest. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander has already printed its message (or help/version output).
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof WordloomError) {
      process.stderr.write(`wordloom: ${err.message}\n`);
      return err.code === 'EUSAGE' ? 2 : 1;
    }
    const e = err as NodeJS.ErrnoException;
    process.stderr.write(`wordloom: internal error: ${e?.message ?? String(err)}\n`);
    if (process.env.WORDLOOM_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
    return 1;
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = 1;
  },
);
