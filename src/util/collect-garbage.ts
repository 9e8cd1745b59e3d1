import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collector: (() => void) | null | undefined;

/**
 * Runs a full garbage collection now, when the runtime allows it; returns whether it ran.
 *
 * For the moment just before a trainer allocates a large model: the garbage of reading the
 * corpus (the count map of every distinct token, line strings) is otherwise collected only when
 * V8's memory reducer notices the idle main thread, tens of seconds into training, so it sits on
 * top of the model at the run's peak (about 35 MB for fastText on 40 MB of text, more on larger
 * corpora). V8's `gc` is exposed for this one call through a fresh context; the main context's
 * globals are not touched.
 */
export function collectGarbage(): boolean {
  if (collector === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as unknown;
      collector = typeof gc === 'function' ? (gc as () => void) : null;
    } catch {
      collector = null;
    }
  }
  collector?.();
  return collector !== null;
}
