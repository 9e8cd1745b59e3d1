/**
 * The program: commands registered, and every failure turned into one line and an exit code.
 * `main.ts` runs it; tests call `main(argv)` in-process.
 */
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { WordloomError } from '../errors.js';
import { printable } from '../util/printable.js';
import { Output, type GlobalOptions } from './output.js';
import { registerCommands } from './commands.js';
import { clearProgressBars } from './progress-bar.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** The command whose parsing failed, recorded as commander reports it (the error itself does not say). */
let failedCommand: Command | null = null;

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('wordloom')
    .description('Word embeddings and neural sequence models: train, query and evaluate.')
    .version(pkg.version, '-V, --version')
    .option('-q, --quiet', 'no progress or log lines on stderr', false)
    .option('--json', 'machine-readable results on stdout', false)
    .exitOverride();
  const output = (): Output => new Output(program.opts<GlobalOptions>());
  registerCommands(program, output);
  silenceCommanderErrors(program);
  return program;
}

/**
 * Commander prints its own errors (`error: ...` and more lines); wordloom prints every error as
 * one `wordloom: ...` line, so commander's are kept for main() to reword. Help asked for with
 * --help is printed as usual.
 */
function silenceCommanderErrors(command: Command): void {
  command.configureOutput({
    outputError: () => {
      failedCommand = command;
    },
    // only used for the help commander shows when a command group is given no command
    writeErr: () => {
      failedCommand = command;
    },
  });
  for (const sub of command.commands) silenceCommanderErrors(sub);
}

/** `eval analogy` for the subcommand, '' for the program. */
function commandPath(command: Command | null): string {
  const names: string[] = [];
  for (let c = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Commander's usage error as one line saying what is wrong and where to look. */
function usageMessage(err: CommanderError, command: Command | null): string {
  const path = commandPath(command);
  const help = `(see wordloom ${path ? `${path} ` : ''}--help)`;
  if (err.code === 'commander.help') {
    const names = (command?.commands ?? []).map((c) => c.name()).filter((n) => n !== 'help');
    return `${path ? `${path} needs a command` : 'missing command'}: one of ${names.join(', ')} ${help}`;
  }
  let message = err.message.replace(/^error:\s*/, '').replace(/\s*\n\s*/g, ' ').trim();
  // a flag parser's own message names the flag and the value: commander's preamble only repeats them
  const invalid = /^option '([^']+)' argument '.*' is invalid\. (.*)$/.exec(message);
  const flag = invalid === null ? null : (/--[\w-]+/.exec(invalid[1]!)?.[0] ?? invalid[1]!);
  if (invalid !== null && invalid[2]!.includes(`${flag} `)) message = invalid[2]!;
  return `${printable(message, 300)} ${help}`;
}

/** Maps any failure to one line on stderr and an exit code: 2 for usage (bad options included), 1 for the rest. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  failedCommand = null;
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    clearProgressBars(); // the error line starts on a clean line, not after a half-drawn bar
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return 0;
      process.stderr.write(`wordloom: ${usageMessage(err, failedCommand)}\n`);
      return 2;
    }
    if (err instanceof WordloomError) {
      process.stderr.write(`wordloom: ${err.message}\n`);
      return err.code === 'EUSAGE' || err.code === 'EOPTION' ? 2 : 1;
    }
    const e = err as NodeJS.ErrnoException;
    process.stderr.write(`wordloom: internal error: ${printable(e?.message ?? String(err), 300)}\n`);
    if (process.env.WORDLOOM_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
    return 1;
  } finally {
    clearProgressBars(); // a bar left drawing would keep its timer, and the process, alive
  }
}
