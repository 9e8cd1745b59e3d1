/**
 * What a resumed run trains with: the settings its checkpoint recorded win over those given now
 * (the weights, the vocabulary and the schedule were made with them); a given one that differs
 * is named in one log line and ignored. Shared by the sequence trainers (lm, seq2seq).
 */
import { sameSetting } from '../../util/option-spec.js';

export function keepRecordedSettings<O extends object, K extends keyof O>(
  partial: Partial<O>,
  recordedKeys: readonly K[],
  saved: Readonly<Partial<Pick<O, K>>>,
  log: (message: string) => void,
): Partial<O> {
  const ignored = recordedKeys.filter((k) => partial[k] !== undefined && !sameSetting(partial[k], saved[k]));
  if (ignored.length > 0) log(`resume keeps the checkpoint's settings; ignoring ${ignored.map((k) => `${String(k)}=${String(partial[k])}`).join(', ')}`);
  const merged: Partial<O> = { ...partial };
  // A setting an older checkpoint did not record yet is left to its default (undefined).
  for (const k of recordedKeys) merged[k] = saved[k] as O[K];
  return merged;
}
