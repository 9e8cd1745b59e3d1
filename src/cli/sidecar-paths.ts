/**
 * The files a training run writes next to its output, named by one rule: the output's whole
 * file name plus a suffix. `-o models/x.vec` -> `models/x.vec.ckpt`, `models/x.vec.vocab`,
 * `models/x.vec.metrics.jsonl`; so `x.vec` and `x.bin` trained side by side share no file, and
 * two runs share these files only when they write the same output. A model folder `models/x/`
 * -> `models/x.ckpt`, `models/x.metrics.jsonl`. fastText writes the pair NAME.bin + NAME.vec:
 * its files are named after NAME.vec (`report` and `info` find them from NAME.bin too).
 */
import { metricsPathFor } from '../report/metrics-file.js';

export { metricsPathFor };

/** `models/x/` -> `models/x`: a folder's trailing slashes are not part of its name. */
const withoutTrailingSlash = (output: string): string => output.replace(/(?<=.)[\\/]+$/, '');

/** The checkpoint of an unfinished run (removed once the output is written). */
export function checkpointPathFor(output: string): string {
  return `${withoutTrailingSlash(output)}.ckpt`;
}

/** The vocabulary (`word<TAB>count` lines) written next to trained vectors. */
export function vocabularyPathFor(output: string): string {
  return `${withoutTrailingSlash(output)}.vocab`;
}

/** All three, for a command that writes them. */
export function sidecarPaths(output: string): { checkpoint: string; vocabulary: string; metrics: string } {
  return { checkpoint: checkpointPathFor(output), vocabulary: vocabularyPathFor(output), metrics: metricsPathFor(output) };
}
