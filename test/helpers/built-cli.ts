/**
 * The built CLI as users run it (`node dist/cli/main.js ...`), for the tests that check what a
 * user sees: exit code, stdout and stderr of a real process, with real pipes and exit codes.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll } from 'vitest';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI_PATH = `${PROJECT_ROOT}dist/cli/main.js`;

/** What one run of the CLI left: its exit code (-1 when a signal ended it) and its output. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  /** Working folder of the process (default: the test process's). */
  cwd?: string;
  /** Variables added to (or replacing) the test process's environment. */
  env?: Record<string, string | undefined>;
  /** Text written to the process's stdin, which is then closed. */
  input?: string;
  /** Milliseconds before the process is killed. */
  timeout?: number;
  /** Options for node itself, before the CLI's path (such as --require a.cjs). */
  nodeArgs?: readonly string[];
}

/**
 * Registers a beforeAll that builds the project when dist/cli/main.js is missing (CI and
 * `npm test` build first; this is for running one file after a clean checkout). Call it before
 * the file's own beforeAll hooks so they can already run the CLI.
 */
export function useBuiltCli(): void {
  beforeAll(() => {
    if (!existsSync(CLI_PATH)) spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  }, 120_000);
}

/** Runs the built CLI to the end and returns its exit code and output. */
export function runCli(args: readonly string[], options: CliRunOptions = {}): CliRun {
  const r = spawnSync(process.execPath, [...(options.nodeArgs ?? []), CLI_PATH, ...args], {
    encoding: 'utf8',
    cwd: options.cwd,
    env: options.env === undefined ? undefined : { ...process.env, ...options.env },
    input: options.input,
    timeout: options.timeout,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A `run(...args)` with the same options for every call (such as one cwd or env). */
export function cliRunner(options: CliRunOptions = {}): (...args: string[]) => CliRun {
  return (...args) => runCli(args, options);
}

/** Starts the built CLI without waiting, for tests that talk to it while it runs (Ctrl-C, pipes). */
export function spawnCli(args: readonly string[], options: Omit<CliRunOptions, 'input' | 'timeout'> = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [...(options.nodeArgs ?? []), CLI_PATH, ...args], {
    cwd: options.cwd,
    env: options.env === undefined ? undefined : { ...process.env, ...options.env },
  });
}
