import { WordloomError } from '../../errors.js';

/**
 * Every trainer's answer to an abort (Ctrl-C): an EINTERRUPTED error saying whether anything was
 * saved. `checkpoint`: the file just written, if any; `started`: whether any training was done.
 */
export function throwIfAborted(signal: AbortSignal | undefined, state: { started: boolean; checkpoint?: string | undefined }): void {
  if (!signal?.aborted) return;
  const message = !state.started
    ? 'training interrupted before it started (nothing to save)'
    : state.checkpoint
      ? `training interrupted; checkpoint saved to ${state.checkpoint} (continue with --resume)`
      : 'training interrupted (no checkpoint path was given, so nothing was saved)';
  throw new WordloomError('EINTERRUPTED', message);
}
