// What the benchmark scripts share: running child processes and reference tools (PyTorch from
// Debian, installed with apt-get when missing), reading the machine's state (CPU, how busy the
// other processes kept it), and printing tables. Benchmarks run one tool at a time in child
// processes so that each row's peak memory is its own and nothing competes for the cores.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Debian's python3, where python3-torch lives (not a pyenv or venv python). */
export const PY = '/usr/bin/python3';

export const log = (line) => process.stderr.write(`${line}\n`);

/** A usage error of the script named `name`: one line, exit 2. */
export function failer(name) {
  return (message) => {
    console.error(`bench/${name}: ${message}`);
    process.exit(2);
  };
}

export function sh(cmd, argv, opts = {}) {
  return spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
}

/** Waits while another apt-get/dpkg (e.g. a background `apt-get install python3-torch`) holds the lock. */
function waitForApt() {
  for (let waited = 0; sh('pgrep', ['-x', 'apt-get|apt|dpkg']).status === 0; waited += 5) {
    if (waited % 60 === 0) log(`waiting for a running apt-get/dpkg to finish (${waited} s)`);
    sh('sleep', ['5']);
  }
}

export function aptInstall(pkgs) {
  waitForApt();
  log(`installing ${pkgs.join(' ')} with apt-get`);
  sh('apt-get', ['update', '-qq'], { stdio: 'inherit' }); // a new machine's package lists may be empty or stale
  const r = sh('apt-get', ['install', '-y', '-q', ...pkgs], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`bench: apt-get install -y ${pkgs.join(' ')} failed`);
    process.exit(1);
  }
}

/** 0: torch (and numpy) load with OpenBLAS; 3: with another BLAS; else: no torch. */
function torchStatus() {
  const probe = "import numpy, torch, sys; sys.exit(0 if 'openblas' in open('/proc/self/maps').read() else 3)";
  return sh(PY, ['-c', probe], { env: { ...process.env, OPENBLAS_NUM_THREADS: '1' } }).status;
}

/**
 * Makes Debian's python3-torch loadable with OpenBLAS: without it torch calls whatever
 * libblas.so.3 is installed, and with only the reference BLAS a training step is ~10x slower.
 */
export function ensureTorch() {
  let status = torchStatus();
  if (status !== 0 && status !== 3) {
    waitForApt(); // it may be installing right now
    status = torchStatus();
    if (status !== 0 && status !== 3) {
      aptInstall(['python3-torch', 'python3-numpy', 'libopenblas0-pthread']);
      status = torchStatus();
    }
  }
  if (status === 3) {
    aptInstall(['libopenblas0-pthread']);
    status = torchStatus();
  }
  if (status === 3) log('warning: torch still does not load OpenBLAS: PyTorch rows will be slow');
  else if (status !== 0) {
    console.error(`bench: ${PY} -c 'import torch' fails even after apt-get install python3-torch`);
    process.exit(1);
  }
}

export function machine() {
  let cpu = 'unknown CPU';
  let flags = [];
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    cpu = info.match(/^model name\s*:\s*(.*)$/m)?.[1] ?? cpu;
    const f = new Set(info.match(/^flags\s*:\s*(.*)$/m)?.[1].split(' ') ?? []);
    flags = ['avx2', 'fma', 'avx512f'].filter((x) => f.has(x));
  } catch {
    // not Linux: the model name stays unknown
  }
  const git = sh('git', ['-C', root, 'log', '-1', '--format=%h']).stdout?.trim() || '?';
  return { nproc: availableParallelism(), cpu, flags, node: process.version, commit: git };
}

/** Busy CPU ticks of the whole machine (every container on this kernel) and of this process's waited-for children. */
function cpuTicks() {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const busy = f[0] + f[1] + f[2] + f[5] + f[6] + f[7]; // user nice system irq softirq steal
    const self = readFileSync('/proc/self/stat', 'utf8');
    const g = self.slice(self.lastIndexOf(')') + 2).split(' ').map(Number); // fields from 3 (state) on
    return { busy, children: g[13] + g[14] }; // cutime, cstime
  } catch {
    return null;
  }
}
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/**
 * Runs one child and returns its last JSON line (or { error }), with its wall time and the share
 * of all cores that other processes used meanwhile (othersCpu: other people's builds inflate times).
 */
export function runChild(cmd, argv, env = {}) {
  const t0 = performance.now();
  const c0 = cpuTicks();
  const r = sh(cmd, argv, { env: { ...process.env, ...env } });
  const wallSeconds = (performance.now() - t0) / 1000;
  const c1 = cpuTicks();
  const othersCpu = c0 && c1 ? Math.max(0, c1.busy - c0.busy - (c1.children - c0.children)) / CLK_TCK / (wallSeconds * availableParallelism()) : undefined;
  const lines = (r.stdout ?? '').trim().split('\n').filter((l) => l.startsWith('{'));
  if (r.status !== 0 || lines.length === 0) {
    const err = (r.stderr ?? '').trim().split('\n').filter((l) => l.trim() && !l.includes('Orthogonal initializer'));
    return { error: `exit ${r.status ?? r.signal}: ${err.slice(-3).join(' | ') || 'no output'}`, wallSeconds, othersCpu };
  }
  return { ...JSON.parse(lines[lines.length - 1]), wallSeconds, othersCpu };
}

/**
 * Runs one child (with `options.input` as its standard input) under /usr/bin/time -v when there
 * is one: wall seconds, peak RSS in MB (null without /usr/bin/time), its output, and othersCpu as
 * runChild measures it. A child that fails throws with the end of its stderr.
 */
export function runTimed(cmd, argv, options = {}) {
  const haveTime = existsSync('/usr/bin/time');
  const t0 = performance.now();
  const c0 = cpuTicks();
  const r = spawnSync(haveTime ? '/usr/bin/time' : cmd, haveTime ? ['-v', cmd, ...argv] : argv, { maxBuffer: 1 << 30, ...options });
  const seconds = (performance.now() - t0) / 1000;
  const c1 = cpuTicks();
  const othersCpu = c0 && c1 ? Math.max(0, c1.busy - c0.busy - (c1.children - c0.children)) / CLK_TCK / (seconds * availableParallelism()) : undefined;
  const stderr = r.stderr?.toString('utf8') ?? '';
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed:\n${stderr.split('\n').slice(-8).join('\n')}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  return { seconds, peakMb: rss ? Number(rss[1]) / 1024 : null, stdout: r.stdout, stderr, othersCpu };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A Markdown table; the first `leftColumns` columns left-aligned, the rest right-aligned. */
export function table(headers, rows, leftColumns) {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => (i < leftColumns ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(cells[0]), `|${widths.map((w, i) => (i < leftColumns ? `-${'-'.repeat(w)}-` : `-${'-'.repeat(w)}:`)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

export const fmtInt = (x) => Math.round(x).toLocaleString('en-US');
