/**
 * `lm train --autotune`: the shared random search (src/seq/tune) over a language model's learning
 * rate, dropout, units and epochs. Each trial is a whole training run (no checkpoint) scored by
 * its validation loss (lower is better, so the score is its negative); a trial the budget cuts
 * short is stopped through its signal, one that diverges ends at once with EDIVERGED. The best
 * trial's model is returned, lm.json recording the trials.
 *
 * Units: the searched value is the widest layer's size; with sizes per layer (`--units 512,256`)
 * the other layers keep their proportion to it, and the trials record the list that trained.
 */
import { randomSearch, type ParameterValue, type SearchParameter } from '../tune/random-search.js';
import type { LanguageModelOptions } from './options.js';
import { formatLayerUnits, type LayerUnits } from './layer-units.js';
import type { TextSource } from './text-source.js';
import type { TrainedLanguageModel } from './train.js';

/** The searched parameters: rates and regularisation in log space, the sizes in log space too. */
export function languageModelSearchSpace(options: LanguageModelOptions): SearchParameter[] {
  return [
    { name: 'lr', kind: 'log', min: 3e-4, max: 1e-2 },
    { name: 'dropout', kind: 'linear', min: 0, max: 0.5 },
    { name: 'units', kind: 'integer', min: 32, max: Math.max(64, widest(options.units) * 2), log: true },
    { name: 'epochs', kind: 'integer', min: 1, max: Math.max(2, options.epochs), log: true },
  ];
}

const widest = (units: LayerUnits): number => (typeof units === 'number' ? units : Math.max(...units));

/** The layer sizes a searched width stands for: every layer, or each in its proportion to the widest. */
export function scaledUnits(units: LayerUnits, width: number): LayerUnits {
  if (typeof units === 'number') return width;
  const top = widest(units);
  const scaled = units.map((u) => Math.max(1, Math.round((u * width) / top)));
  return scaled.every((u) => u === scaled[0]) ? scaled[0]! : scaled;
}

export async function autotuneLanguageModel(
  text: TextSource,
  partial: Partial<LanguageModelOptions>,
  options: LanguageModelOptions,
  train: (text: TextSource, partial: Partial<LanguageModelOptions>) => Promise<TrainedLanguageModel>,
): Promise<TrainedLanguageModel> {
  const log = options.onLog ?? (() => undefined);
  const space = languageModelSearchSpace(options);
  const initial = Object.fromEntries(space.map((p) => [p.name, p.name === 'units' ? widest(options.units) : (options[p.name as keyof LanguageModelOptions] as ParameterValue)]));
  // What a trial trained with, as the flags say it: a list of sizes per layer as `512,256`.
  const asTrained = (params: Record<string, ParameterValue>): Record<string, ParameterValue> =>
    typeof options.units === 'number' ? params : { ...params, units: formatLayerUnits(scaledUnits(options.units, params['units'] as number)) };
  const start = performance.now();
  const search = await randomSearch<TrainedLanguageModel>({
    space,
    initial,
    budgetSeconds: options.budget,
    seed: options.seed,
    ...(options.signal ? { signal: options.signal } : {}),
    run: async (params, signal) => {
      const model = await train(text, {
        ...partial,
        ...params,
        units: scaledUnits(options.units, params['units'] as number),
        autotune: false,
        checkpoint: undefined,
        resume: false,
        signal,
        onProgress: undefined,
        onEpoch: undefined,
        // The first trial's notes (vocabulary, layout) are the same for every trial.
        onLog: undefined,
      });
      const loss = model.config.validation?.loss ?? Number.NaN;
      return { score: -loss, result: model };
    },
    dispose: (model) => model.dispose(),
    ...(options.onTrial ? { onTrial: (trial) => options.onTrial!({ ...trial, params: asTrained(trial.params) }) } : {}),
  });
  const best = search.result;
  const trials = search.trials.map((t) => ({ ...t, params: asTrained(t.params) }));
  const bestParams = asTrained(search.best.params);
  best.config.autotune = { budgetSeconds: options.budget, seconds: (performance.now() - start) / 1000, trials, best: bestParams };
  log(`autotune: ${search.trials.length} trials; best validation loss ${(-search.best.score!).toFixed(4)} with ${Object.entries(bestParams).map(([k, v]) => `${k} ${typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(3) : String(v)}`).join(', ')}`);
  return best;
}
