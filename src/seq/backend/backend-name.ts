import { WordloomError } from '../../errors.js';

/** The TensorFlow.js backends wordloom's sequence models can run on, fastest first. */
export const BACKEND_NAMES = ['tensorflow', 'wasm', 'cpu'] as const;

/** `tensorflow` is libtensorflow through @tensorflow/tfjs-node; `wasm` is XNNPACK in WebAssembly. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** The environment variable that picks a backend when no option does. */
export const BACKEND_ENV_VAR = 'WORDLOOM_BACKEND';

export function isBackendName(value: unknown): value is BackendName {
  return typeof value === 'string' && (BACKEND_NAMES as readonly string[]).includes(value);
}

/**
 * Checks a backend name given by the user; `source` names where it came from (`option backend`,
 * `environment variable WORDLOOM_BACKEND`) so the message points at what to change.
 */
export function parseBackendName(value: unknown, source: string): BackendName {
  if (isBackendName(value)) return value;
  const shown = typeof value === 'string' ? `'${value}'` : String(value);
  throw new WordloomError('EOPTION', `${source} must be one of ${BACKEND_NAMES.join(', ')}, got ${shown}`);
}
