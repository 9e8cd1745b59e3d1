/**
 * The text-classifier commands: `wordloom classify train`, `classify predict`, `classify eval` and
 * `classify ensemble`.
 * train's flags, ranges, help and defaults come from the library's one declaration
 * (CLASSIFIER_OPTION_SPECS). The modules that load TensorFlow.js are imported when a command runs.
 */
import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import type { BackendName } from '../seq/backend/backend-name.js';
import { CLASSIFIER_OPTION_SPECS, resolveClassifierOptions, type ClassifierOptions, type ClassifierSetting } from '../seq/classify/options.js';
import type { ClassifierEpochReport, ClassifierProgress } from '../seq/classify/progress.js';
import type { Classifier } from '../seq/classify/classifier.js';
import { existsSync } from 'node:fs';
import { WordloomError } from '../errors.js';
import { interruptOnSigint } from './interrupt.js';
import { MetricsLog, metricsPathFor, plainSettings } from './metrics-log.js';
import type { ProgressBar } from './progress-bar.js';
import { checkUnfinishedRun, duringTraining } from './training-progress.js';
import { backendOption, stripSlashes, useBackend } from './lm.js';
import { fixed, formatDuration, type Output } from './output.js';
import { settingsFromFlags, specOptions } from './spec-options.js';
import { bestFlags, describeTrial, trialTable, type TrialFormat } from './trials.js';

export function registerClassifyCommands(program: Command, output: () => Output): void {
  const classify = program.command('classify').description('text classifiers on pretrained word vectors (averaged or recurrent): train, predict, evaluate');
  registerTrain(classify, output);
  registerPredict(classify, output);
  registerEval(classify, output);
  registerEnsemble(classify, output);
}

/** Defaults that the command line sets differently from the library (which has no output path). */
const CLI_DEFAULT_TEXT: Partial<Record<ClassifierSetting, string>> = { checkpoint: '<output>.ckpt (rnn)' };

const SETTING_OPTIONS = specOptions<ClassifierSetting>(CLASSIFIER_OPTION_SPECS, { defaultText: CLI_DEFAULT_TEXT });

interface TrainFlags extends Record<string, unknown> {
  vectors: string;
  output: string;
  force?: boolean;
  backend?: BackendName;
}

function registerTrain(classify: Command, output: () => Output): void {
  const command = classify
    .command('train')
    .description(
      'train a classifier on labelled lines (label<TAB>text, label text, or __label__x text) over pretrained word vectors; ' +
        'one line per epoch with validation accuracy, early stopping on it; --autotune searches the settings within --budget seconds; ' +
        'rnn: Ctrl-C saves <output>.ckpt, --resume continues; NAME.metrics.jsonl records the run',
    )
    .argument('<train>', 'labelled training file (.gz too)')
    .requiredOption('--vectors <file>', 'pretrained word vectors in any format wordloom loads (word2vec text or binary, GloVe, fastText .vec)')
    .requiredOption('-o, --output <folder>', 'model folder to write (model.json, weights.bin, vocab.tsv, classifier.json); an existing classifier folder is replaced');
  for (const { option } of SETTING_OPTIONS) command.addOption(option);
  command.option('--force', 'start over even if <output>.ckpt holds an unfinished run (it is replaced)');
  command.addOption(backendOption());
  command.action(async (train: string, flags: TrainFlags) => {
    const out = output();
    const target = stripSlashes(flags.output);
    const partial = settingsFromFlags(SETTING_OPTIONS, flags) as Partial<ClassifierOptions>;
    // Checkpoints are the recurrent model's (the averaged one trains in seconds); a search's trials have none.
    const resolved = resolveClassifierOptions({ ...partial, resume: false }); // bad combinations are usage errors, before any work
    const checkpointed = (resolved.model === 'rnn' || partial.resume === true) && !resolved.autotune;
    if (checkpointed) partial.checkpoint ??= `${target}.ckpt`;
    resolveClassifierOptions(partial);
    const { checkClassifierOutput, trainClassifier } = await import('../seq/classify/index.js');
    await checkClassifierOutput(target);
    if (partial.checkpoint) {
      await checkUnfinishedRun({ checkpoint: partial.checkpoint, resume: partial.resume, force: flags.force, out });
      if (partial.resume && !existsSync(partial.checkpoint)) throw new WordloomError('EUSAGE', `--resume: there is no checkpoint ${partial.checkpoint} to continue`);
    }
    const backend = await useBackend(flags.backend, out);
    const bar = out.progressBar(0, 'examples');
    const interrupt = interruptOnSigint(out, partial.autotune ? 'ending the search with the best trial so far' : partial.checkpoint ? 'stopping after this step and saving a checkpoint' : 'stopping');
    if (partial.checkpoint) out.log(`checkpoint: ${partial.checkpoint}, saved after every epoch and on Ctrl-C (continue with --resume)`);
    const metrics = MetricsLog.open(metricsPathFor(target), { trainer: 'classify', settings: { train, vectors: flags.vectors, ...partial }, resume: partial.resume });
    const model = await duringTraining({ bar, metrics, interrupt }, () =>
      trainClassifier(train, flags.vectors, {
        ...partial,
        signal: interrupt.signal,
        onLog: (m) => out.log(m),
        onProgress: (p) => {
          showClassifierProgress(bar, p);
          metrics.progress({
            epoch: p.epoch, epochs: p.epochs, fraction: p.fraction, loss: p.loss, epochLoss: p.epochLoss, learningRate: p.learningRate,
            examplesPerSecond: p.examplesPerSecond, examplesDone: p.examplesDone,
          });
        },
        onEpoch: (r) => {
          out.log(describeEpoch(r));
          metrics.epoch(epochMetrics(r));
        },
        onTrial: (t) => out.log(describeTrial(t, TRIALS)),
      }),
    );
    try {
      await model.save(target);
    } finally {
      model.dispose();
    }
    const c = model.config;
    const t = c.training!;
    const summary = {
      output: target,
      backend,
      model: c.model,
      labels: c.labels,
      epochs: t.epochs,
      bestEpoch: t.bestEpoch,
      stopped: t.stopped,
      seconds: Number(t.seconds.toFixed(2)),
      trainExamples: t.trainExamples,
      unknownTokens: t.unknownTokens,
      tokens: t.tokens,
      validation: c.validation,
      ...(c.autotune ? { autotune: c.autotune } : {}),
      settings: t.settings,
    };
    metrics.end({ ...summary, settings: plainSettings(t.settings) });
    metrics.close();
    out.result(summary, () =>
      [
        ...(c.autotune ? [trialTable(c.autotune.trials, TRIALS), `best settings: ${bestFlags(c.autotune.best, flagOf)}`] : []),
        `wrote ${target}: ${describeModel(model)}, ${c.labels.length} classes`,
        `${t.epochs} epoch${t.epochs === 1 ? '' : 's'} in ${formatDuration(t.seconds)} (${t.stopped === 'early-stop' ? 'early stop' : 'all epochs'})` +
          (c.validation ? `; validation accuracy ${pct(c.validation.accuracy)} (epoch ${t.bestEpoch}, ${c.validation.examples} examples)` : '; no validation'),
      ].join('\n'),
    );
  });
}

function describeModel(model: Classifier): string {
  const c = model.config;
  if (c.averaged) return `averaged word vectors (${c.averaged.dim}d${c.averaged.wordNgrams > 1 ? `, word n-grams up to ${c.averaged.wordNgrams} in ${c.averaged.buckets} buckets` : ''})`;
  const r = c.recurrent!;
  return `${r.layers} x ${r.units} ${r.bidirectional ? 'bidirectional ' : ''}${r.cell.toUpperCase()} over ${r.embedding}d word vectors, ${r.pooling} pooling`;
}

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
const flagOf = (key: string): string => CLASSIFIER_OPTION_SPECS[key as ClassifierSetting]?.flag ?? key;
const TRIALS: TrialFormat = { flagOf, scoreName: 'val accuracy', score: (x) => pct(x) };

/** The bar: epoch, share of all examples, examples/s, the epoch's loss, learning rate, ETA. */
function showClassifierProgress(bar: ProgressBar, p: ClassifierProgress): void {
  bar.update(
    p.examplesDone,
    {
      label: `epoch ${p.epoch}/${p.epochs}`,
      details: [`loss ${Number.isFinite(p.epochLoss) ? p.epochLoss.toFixed(4) : '-'}`, `lr ${p.learningRate.toPrecision(3)}`],
      etaSeconds: p.etaSeconds,
      perSecond: p.examplesPerSecond,
    },
    p.totalExamples,
  );
}

/** An epoch report as a metrics-log record (validation figures with the `val` prefix). */
export function epochMetrics(r: ClassifierEpochReport): { epoch: number } & Record<string, unknown> {
  return {
    epoch: r.epoch,
    epochs: r.epochs,
    trainLoss: r.trainLoss,
    trainAccuracy: r.trainAccuracy,
    ...(r.valAccuracy !== null ? { valAccuracy: r.valAccuracy, valLoss: r.valLoss } : {}),
    improved: r.improved,
    learningRate: r.learningRate,
    examplesPerSecond: r.examplesPerSecond,
    seconds: r.seconds,
  };
}

function describeEpoch(r: ClassifierEpochReport): string {
  return [
    `epoch ${r.epoch}/${r.epochs}`,
    `train loss ${fixed(r.trainLoss, 4)}`,
    `train accuracy ${pct(r.trainAccuracy)}`,
    r.valAccuracy === null ? 'no validation' : `val accuracy ${pct(r.valAccuracy)}  val loss ${fixed(r.valLoss!, 4)}`,
    `lr ${r.learningRate.toPrecision(3)}`,
    formatDuration(r.seconds),
  ].join('  ') + (r.valAccuracy !== null && !r.improved ? '  (no improvement)' : '');
}

// ---------------------------------------------------------------------------------------------

interface ModelFlags {
  backend?: BackendName;
}

async function openClassifier(dir: string, flags: ModelFlags, out: Output): Promise<Classifier> {
  const { loadClassifier } = await import('../seq/classify/index.js');
  await useBackend(flags.backend, out);
  return loadClassifier(dir);
}

function registerPredict(classify: Command, output: () => Output): void {
  classify
    .command('predict')
    .description('the label and class probabilities of each text (the arguments, else one text per line of stdin)')
    .argument('<model>', 'classifier folder written by `wordloom classify train`')
    .argument('[text...]', 'texts to classify; none: read lines from stdin')
    .addOption(backendOption())
    .action(async (dir: string, texts: string[], flags: ModelFlags) => {
      const out = output();
      const classifier = await openClassifier(dir, flags, out);
      try {
        const results: unknown[] = [];
        const emit = (batch: string[]): void => {
          const predictions = classifier.predict(batch);
          predictions.forEach((p, i) => {
            const probabilities = Object.fromEntries(classifier.labels.map((l, c) => [l, Number(p.probabilities[c]!.toFixed(6))]));
            if (out.options.json) results.push({ text: batch[i], label: p.label, probabilities, tokens: p.tokens, unknown: p.unknown });
            else process.stdout.write(`${p.label}\t${classifier.labels.map((l, c) => `${l}:${p.probabilities[c]!.toFixed(4)}`).join(' ')}\n`);
          });
        };
        if (texts.length > 0) emit(texts);
        else {
          let batch: string[] = [];
          for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
            if (line.trim() === '') continue;
            batch.push(line);
            if (batch.length >= 1000) {
              emit(batch);
              batch = [];
            }
          }
          if (batch.length > 0) emit(batch);
        }
        if (out.options.json) out.result(results, () => '');
      } finally {
        classifier.dispose();
      }
    });
}

function registerEval(classify: Command, output: () => Output): void {
  classify
    .command('eval')
    .description('accuracy, macro-F1, per-class precision and recall and the confusion matrix of a classifier on a labelled file')
    .argument('<model>', 'classifier folder written by `wordloom classify train`')
    .argument('<test>', 'labelled file in any of the training layouts')
    .addOption(backendOption())
    .action(async (dir: string, test: string, flags: ModelFlags) => {
      const out = output();
      const classifier = await openClassifier(dir, flags, out);
      const { evaluateClassifier } = await import('../seq/classify/index.js');
      let r: Awaited<ReturnType<typeof evaluateClassifier>>;
      try {
        r = await evaluateClassifier(classifier, test);
      } finally {
        classifier.dispose();
      }
      out.result({ model: dir, test, ...r }, () => {
        const width = Math.max(5, ...r.labels.map((l) => l.length));
        const lines = [
          `${dir} on ${test}: ${r.examples} examples`,
          `accuracy  ${pct(r.accuracy)}`,
          `macro-F1  ${pct(r.macroF1)}`,
          `loss      ${fixed(r.loss, 4)} nats`,
          `unknown   ${r.unknownTokens} of ${r.tokens} tokens (${r.unknownHandling})`,
          '',
          `${'class'.padEnd(width)}  precision  recall   F1       support`,
          ...r.perClass.map((c) => `${c.label.padEnd(width)}  ${pct(c.precision).padEnd(9)}  ${pct(c.recall).padEnd(7)}  ${pct(c.f1).padEnd(7)}  ${c.support}`),
          '',
          'confusion (rows: true class, columns: predicted)',
          `${''.padEnd(width)}  ${r.labels.map((l) => l.padStart(6)).join(' ')}`,
          ...r.confusion.map((row, i) => `${r.labels[i]!.padEnd(width)}  ${row.map((n) => String(n).padStart(6)).join(' ')}`),
        ];
        return lines.join('\n');
      });
    });
}


function registerEnsemble(classify: Command, output: () => Output): void {
  classify
    .command('ensemble')
    .description('join recurrent classifiers trained apart (other seeds or settings, same data and vectors) into one model that averages their probabilities (one plain tfjs layers model)')
    .argument('<models...>', 'classifier folders written by `wordloom classify train --model rnn` (at least 2)')
    .requiredOption('-o, --output <folder>', 'model folder to write; an existing classifier folder is replaced')
    .option('--val-file <file>', 'labelled file to report each member\'s and the ensemble\'s accuracy on')
    .addOption(backendOption())
    .action(async (dirs: string[], flags: ModelFlags & { output: string; valFile?: string }) => {
      const out = output();
      const target = stripSlashes(flags.output);
      const { checkClassifierOutput, ensembleClassifiers, evaluateClassifier } = await import('../seq/classify/index.js');
      await checkClassifierOutput(target);
      if (dirs.length < 2) throw new WordloomError('EUSAGE', `classify ensemble needs at least 2 classifier folders (got ${dirs.length})`);
      const members: Classifier[] = [];
      try {
        for (const dir of dirs) members.push(await openClassifier(dir, flags, out));
        const ensemble = ensembleClassifiers(members, dirs);
        try {
          const accuracy: Record<string, number> = {};
          if (flags.valFile) {
            for (let m = 0; m < members.length; m++) accuracy[dirs[m]!] = (await evaluateClassifier(members[m]!, flags.valFile)).accuracy;
            accuracy[target] = (await evaluateClassifier(ensemble, flags.valFile)).accuracy;
          }
          await ensemble.save(target);
          out.result({ output: target, members: dirs, ...(flags.valFile ? { valFile: flags.valFile, accuracy } : {}) }, () =>
            [
              `ensemble of ${dirs.length} classifiers -> ${target}`,
              ...Object.entries(accuracy).map(([name, a]) => `  ${name === target ? 'ensemble' : name}: ${pct(a)} on ${flags.valFile}`),
            ].join('\n'),
          );
        } finally {
          ensemble.dispose();
        }
      } finally {
        for (const m of members) m.dispose();
      }
    });
}
