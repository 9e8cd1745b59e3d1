import * as tf from '@tensorflow/tfjs';
import { WordloomError } from '../../errors.js';
import { BACKEND_ENV_VAR, type BackendName, BACKEND_NAMES, parseBackendName } from './backend-name.js';
import { registerWasmFallbackKernels } from './wasm-fallback-kernels.js';

export interface SelectBackendOptions {
  /**
   * The backend to run on. Default: the WORDLOOM_BACKEND environment variable, else the fastest
   * that loads, in the order tensorflow (@tensorflow/tfjs-node), wasm, cpu. A backend asked for
   * by name that cannot be loaded is an error, never a silent fallback.
   */
  backend?: BackendName;
  /** Receives the one line that names the choice (once per process). Default: stderr. */
  log?: (line: string) => void;
}

const TFJS_NODE = '@tensorflow/tfjs-node';

interface Request {
  name: BackendName | undefined;
  /** Where the name came from, for error messages. */
  source: string;
}

type Loaded = { ok: true; name: BackendName; detail: string } | { ok: false; reason: string };

interface Selection {
  key: string;
  promise: Promise<BackendName>;
  chosen?: BackendName;
}

let latest: Selection | undefined;
let lastLogged: BackendName | undefined;

/**
 * Chooses and initialises the tfjs backend wordloom's sequence models run on, registers the
 * kernels that backend lacks, and names the choice on stderr once. Call it before any other tfjs
 * use: tensors made earlier land on the cpu backend. Idempotent and safe to call concurrently.
 */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<BackendName> {
  const request = readRequest(options);
  const key = request.name ?? 'auto';
  const cached = latest;
  // Someone may have switched the engine with tf.setBackend since: then select again.
  if (cached && cached.key === key && (cached.chosen === undefined || cached.chosen === tf.getBackend())) {
    return cached.promise;
  }
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  // Serialised behind any selection in flight, so two setBackend calls never interleave.
  const previous = cached?.promise.catch(() => undefined);
  const selection: Selection = { key, promise: run(request, log, previous) };
  latest = selection;
  selection.promise.then(
    (name) => {
      selection.chosen = name;
    },
    // A failed selection is not cached: the next call tries again.
    () => {
      if (latest === selection) latest = undefined;
    },
  );
  return selection.promise;
}

function readRequest(options: SelectBackendOptions): Request {
  if (options.backend !== undefined) {
    return { name: parseBackendName(options.backend, 'option backend'), source: 'option backend' };
  }
  const fromEnv = process.env[BACKEND_ENV_VAR];
  // An empty variable counts as unset, as `WORDLOOM_BACKEND= wordloom ...` means.
  if (fromEnv === undefined || fromEnv === '') return { name: undefined, source: 'default' };
  const source = `environment variable ${BACKEND_ENV_VAR}`;
  return { name: parseBackendName(fromEnv, source), source };
}

async function run(request: Request, log: (line: string) => void, previous?: Promise<unknown>): Promise<BackendName> {
  await previous;
  const loaded = await load(request);
  if (!loaded.ok) {
    const others = BACKEND_NAMES.filter((n) => n !== request.name).join(' or ');
    throw new WordloomError(
      'EOPTION',
      request.name === undefined
        ? `no tfjs backend could be loaded: ${loaded.reason}`
        : `backend ${request.name} (from ${request.source}) cannot be loaded: ${loaded.reason}. Choose ${others} instead`,
    );
  }
  if (lastLogged !== loaded.name) {
    lastLogged = loaded.name;
    log(`wordloom: tfjs backend ${loaded.name} (${loaded.detail})`);
  }
  return loaded.name;
}

async function load(request: Request): Promise<Loaded> {
  switch (request.name) {
    case 'tensorflow':
      return loadTfjsNode();
    case 'wasm':
      return loadWasm();
    case 'cpu':
      return loadCpu();
    case undefined: {
      const node = await loadTfjsNode();
      if (node.ok) return node;
      const wasm = await loadWasm();
      if (wasm.ok) return wasm;
      return loadCpu(`wasm unavailable: ${wasm.reason}`);
    }
  }
}

async function loadTfjsNode(): Promise<Loaded> {
  // libtensorflow logs CPU-feature notices to stderr when it loads; keep stderr to our one line.
  process.env['TF_CPP_MIN_LOG_LEVEL'] ??= '2';
  const specifier: string = TFJS_NODE; // not a literal: TypeScript must not resolve an absent package
  try {
    await import(specifier);
  } catch (err) {
    if (isMissingPackage(err, TFJS_NODE)) {
      return {
        ok: false,
        reason: `${TFJS_NODE} is not installed; it is an optional dependency that needs libtensorflow, which its install script downloads`,
      };
    }
    return { ok: false, reason: `${TFJS_NODE} failed to load: ${firstLine(err)}` };
  }
  // tfjs-node registers 'tensorflow' in the tfjs it imports; a second copy of tfjs-core would not see it.
  const failure = await trySetBackend('tensorflow');
  if (failure) return { ok: false, reason: `${TFJS_NODE} loaded but ${failure}` };
  return { ok: true, name: 'tensorflow', detail: `libtensorflow via ${TFJS_NODE}` };
}

async function loadWasm(): Promise<Loaded> {
  let wasm: typeof import('@tensorflow/tfjs-backend-wasm');
  try {
    wasm = await import('@tensorflow/tfjs-backend-wasm');
  } catch (err) {
    return { ok: false, reason: `@tensorflow/tfjs-backend-wasm failed to load: ${firstLine(err)}` };
  }
  registerWasmFallbackKernels();
  const failure = await trySetBackend('wasm');
  if (failure) return { ok: false, reason: failure };
  // tfjs picks the SIMD binary itself when WebAssembly.validate accepts SIMD code; in Node it
  // never picks the threaded one (its workers come from Blob URLs), so this is 1 thread.
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  const threads = wasm.getThreadsCount();
  return { ok: true, name: 'wasm', detail: `${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'} for tfjs's own ops; fused layers on all cores` };
}

async function loadCpu(note?: string): Promise<Loaded> {
  const failure = await trySetBackend('cpu');
  if (failure) return { ok: false, reason: failure };
  consumeCpuNodeBanner();
  return { ok: true, name: 'cpu', detail: note ? `plain JavaScript; ${note}` : 'plain JavaScript' };
}

/** Returns undefined on success, else why the backend did not initialise. */
async function trySetBackend(name: BackendName): Promise<string | undefined> {
  try {
    if (await tf.setBackend(name)) return undefined;
    return `the ${name} backend failed to initialise`;
  } catch (err) {
    return firstLine(err);
  }
}

/**
 * The "Hi, looks like you are running TensorFlow.js in Node.js" banner comes from
 * tfjs-backend-cpu: the cpu backend's first `write` (its first tensor) calls tfjs's `warn` when
 * IS_NODE, and `warn` is silent only while PROD or IS_TEST is set. Setting the backend first does
 * not help for cpu; other backends never create a cpu instance, so they never print it. Spend that
 * first write on a throwaway scalar with PROD on for just that moment: leaving PROD on would hide
 * every other tfjs warning, and IS_TEST would also turn on per-kernel leak checks.
 */
function consumeCpuNodeBanner(): void {
  const env = tf.env();
  const wasProd = env.getBool('PROD');
  env.set('PROD', true);
  try {
    tf.scalar(0).dispose();
  } finally {
    env.set('PROD', wasProd);
  }
}

function isMissingPackage(err: unknown, pkg: string): boolean {
  return (
    err instanceof Error &&
    (err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' &&
    err.message.includes(`'${pkg}'`)
  );
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n', 1)[0] ?? text;
}
