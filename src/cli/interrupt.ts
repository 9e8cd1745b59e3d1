/**
 * Ctrl-C for a long command, the same everywhere: the first one asks the work to stop (through
 * the signal; `message` says what happens then), a second one quits at once (exit 130).
 */
import type { Output } from './output.js';

export interface Interrupt {
  readonly signal: AbortSignal;
  /** Stops listening for Ctrl-C (call it in a finally). */
  release(): void;
}

export function interruptOnSigint(out: Output, message: string): Interrupt {
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(130);
    out.log(`interrupted: ${message} (Ctrl-C again to quit at once)`);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, release: () => process.off('SIGINT', onSigint) };
}
