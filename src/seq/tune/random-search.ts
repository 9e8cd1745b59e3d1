/**
 * Hyperparameter search for any trainer: random search within a time budget, as fastText's
 * -autotune-validation does it. Learning rates and regularisation act on a log scale, so those
 * parameters are drawn uniformly in log space. The search runs in two phases:
 *
 *   coarse  the first `coarseShare` of the budget draws every parameter from its whole range
 *           (the first trial is the trainer's defaults, so the search never ends worse than them)
 *   fine    the rest draws around the best settings so far, in a window that narrows as the
 *           budget runs out (a quarter of each range at the start of the phase, a twentieth at the end)
 *
 * A trial is one call of `run(settings, signal)`, which trains and returns a validation score
 * (higher is better). A trial that throws a WordloomError EDIVERGED (the trainer stops a run whose
 * loss turns NaN or explodes at once) is recorded as diverged; one still running when the budget
 * ends is aborted through its signal and recorded as stopped. The best trial's result is kept (and
 * the others' released through `dispose`), so the caller does not train the winner again.
 * Deterministic for a seed, apart from where the budget cuts the search.
 */
import { WordloomError } from '../../errors.js';
import { SeededRandom } from '../../embeddings/shared/rng.js';

export type ParameterValue = number | string | boolean;

/** One searched parameter. */
export type SearchParameter =
  | { name: string; kind: 'log'; min: number; max: number }
  | { name: string; kind: 'linear'; min: number; max: number }
  | { name: string; kind: 'integer'; min: number; max: number; log?: boolean }
  | { name: string; kind: 'choice'; choices: readonly ParameterValue[] };

export type TrialStatus = 'ok' | 'diverged' | 'stopped' | 'failed';

export interface Trial {
  /** 1-based. */
  index: number;
  phase: 'coarse' | 'fine';
  /** The searched parameters' values of this trial. */
  params: Record<string, ParameterValue>;
  /** Validation score (higher is better), null unless status is 'ok'. */
  score: number | null;
  status: TrialStatus;
  /** Why a trial did not finish. */
  message: string | null;
  seconds: number;
  /** Whether this trial was the best so far when it ended. */
  best: boolean;
}

export interface RandomSearchOptions<R> {
  space: readonly SearchParameter[];
  /** The parameter values of the first trial (the defaults); missing ones are drawn. */
  initial: Record<string, ParameterValue>;
  /** Trains with the given parameters and returns the score and what to keep (a model). */
  run: (params: Record<string, ParameterValue>, signal: AbortSignal) => Promise<{ score: number; result: R }>;
  /** Releases a result that is no longer the best. */
  dispose?: (result: R) => void;
  /** Seconds the whole search may take. */
  budgetSeconds: number;
  /** Share of the budget spent on coarse trials. Default 0.5. */
  coarseShare?: number;
  /** Stop after this many trials even if the budget is not spent. Default: no limit. */
  maxTrials?: number;
  seed?: number;
  onTrial?: (trial: Trial) => void;
  /** Aborting ends the search: the current trial is stopped and the best so far returned. */
  signal?: AbortSignal;
  /** The clock, in milliseconds (tests pass a fake one). Default performance.now. */
  now?: () => number;
}

/** What a model saved after a search records about it (classifier.json, lm.json `autotune`). */
export interface AutotuneRecord {
  budgetSeconds: number;
  seconds: number;
  trials: Trial[];
  /** The searched parameters of the model kept. */
  best: Record<string, ParameterValue>;
}

export interface RandomSearchResult<R> {
  trials: Trial[];
  /** The best trial, and its result. */
  best: Trial;
  result: R;
}

export async function randomSearch<R>(options: RandomSearchOptions<R>): Promise<RandomSearchResult<R>> {
  const now = options.now ?? (() => performance.now());
  const coarseShare = options.coarseShare ?? 0.5;
  const random = new SeededRandom(options.seed ?? 1);
  const start = now();
  const budgetMs = options.budgetSeconds * 1000;
  const elapsedShare = (): number => (now() - start) / budgetMs;
  const trials: Trial[] = [];
  let best: { trial: Trial; result: R } | null = null;
  const maxTrials = options.maxTrials ?? Number.POSITIVE_INFINITY;

  while (trials.length < maxTrials && elapsedShare() < 1 && !options.signal?.aborted) {
    const share = elapsedShare();
    const phase: Trial['phase'] = best === null || share < coarseShare ? 'coarse' : 'fine';
    const params =
      trials.length === 0
        ? completeInitial(options.space, options.initial, random)
        : phase === 'coarse'
          ? Object.fromEntries(options.space.map((p) => [p.name, draw(p, random)]))
          : Object.fromEntries(options.space.map((p) => [p.name, drawNear(p, best!.trial.params[p.name]!, windowShare(share, coarseShare), random)]));
    const controller = new AbortController();
    const remaining = Math.max(0, start + budgetMs - now());
    const timer = setTimeout(() => controller.abort(), remaining);
    const onAbort = (): void => controller.abort();
    options.signal?.addEventListener('abort', onAbort);
    const trialStart = now();
    const trial: Trial = { index: trials.length + 1, phase, params, score: null, status: 'ok', message: null, seconds: 0, best: false };
    try {
      const { score, result } = await options.run(params, controller.signal);
      trial.score = score;
      if (!Number.isFinite(score)) {
        trial.status = 'diverged';
        trial.message = `score ${score}`;
        trial.score = null;
        options.dispose?.(result);
      } else if (best === null || score > best.trial.score!) {
        if (best !== null) options.dispose?.(best.result);
        best = { trial, result };
        trial.best = true;
      } else {
        options.dispose?.(result);
      }
    } catch (err) {
      if (!(err instanceof WordloomError)) throw err;
      trial.status = err.code === 'EDIVERGED' ? 'diverged' : err.code === 'EINTERRUPTED' ? 'stopped' : 'failed';
      trial.message = trial.status !== 'stopped' ? err.message : options.signal?.aborted ? 'the search was interrupted' : 'the budget ran out';
      // A bad setting drawn from the space is the search's problem; anything else is the caller's.
      if (trial.status === 'failed' && err.code !== 'EOPTION' && err.code !== 'EEMPTY') throw err;
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
    trial.seconds = (now() - trialStart) / 1000;
    trials.push(trial);
    options.onTrial?.(trial);
  }
  if (best === null) {
    const last = trials[trials.length - 1];
    throw new WordloomError(
      trials.length > 0 && trials.every((t) => t.status === 'diverged') ? 'EDIVERGED' : 'EINTERRUPTED',
      `autotune: no trial finished within the budget of ${options.budgetSeconds} s (${trials.length} trial(s)${last?.message ? `; last: ${last.message}` : ''}); give a larger --budget`,
    );
  }
  return { trials, best: best.trial, result: best.result };
}

/** The fine window's share of each range: a quarter when the fine phase starts, a twentieth at the end. */
function windowShare(elapsed: number, coarseShare: number): number {
  const progress = Math.min(1, Math.max(0, (elapsed - coarseShare) / Math.max(1e-9, 1 - coarseShare)));
  return 0.25 * Math.pow(0.2, progress);
}

function completeInitial(space: readonly SearchParameter[], initial: Record<string, ParameterValue>, random: SeededRandom): Record<string, ParameterValue> {
  return Object.fromEntries(space.map((p) => [p.name, initial[p.name] ?? draw(p, random)]));
}

const isLog = (p: SearchParameter): boolean => p.kind === 'log' || (p.kind === 'integer' && p.log === true);

/** A value of `p` drawn from its whole range (uniform, in log space for log parameters). */
export function draw(p: SearchParameter, random: SeededRandom): ParameterValue {
  if (p.kind === 'choice') return p.choices[Math.floor(random.nextFloat() * p.choices.length)]!;
  return fromUnit(p, random.nextFloat());
}

/** A value near `center`: within ±share of the range (in log space for log parameters), clamped to it. */
export function drawNear(p: SearchParameter, center: ParameterValue, share: number, random: SeededRandom): ParameterValue {
  if (p.kind === 'choice') return random.nextFloat() < 0.75 ? center : draw(p, random);
  const u = toUnit(p, center as number) + (2 * random.nextFloat() - 1) * share;
  return fromUnit(p, Math.min(1, Math.max(0, u)));
}

/** [0, 1] -> the parameter's range. */
function fromUnit(p: Exclude<SearchParameter, { kind: 'choice' }>, u: number): number {
  const value = isLog(p) ? Math.exp(Math.log(p.min) + u * (Math.log(p.max) - Math.log(p.min))) : p.min + u * (p.max - p.min);
  return p.kind === 'integer' ? Math.min(p.max, Math.max(p.min, Math.round(value))) : value;
}

function toUnit(p: Exclude<SearchParameter, { kind: 'choice' }>, value: number): number {
  if (p.max === p.min) return 0;
  return isLog(p) ? (Math.log(value) - Math.log(p.min)) / (Math.log(p.max) - Math.log(p.min)) : (value - p.min) / (p.max - p.min);
}
