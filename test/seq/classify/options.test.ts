/** One flag per concept across the trainers: classify train's validation, schedule and checkpoint flags are lm train's and seq2seq train's. */
import { describe, expect, it } from 'vitest';
import { CLASSIFIER_OPTION_SPECS, resolveClassifierOptions } from '../../../src/seq/classify/options.js';
import { LANGUAGE_MODEL_OPTION_SPECS } from '../../../src/seq/lm/options.js';
import { SEQ2SEQ_OPTION_SPECS } from '../../../src/seq/seq2seq/options.js';

describe('classifier options', () => {
  it('use the same flags as lm train and seq2seq train for the same concepts', () => {
    for (const key of ['valFraction', 'valFile', 'patience', 'lrDecay', 'checkpoint', 'resume', 'lr', 'epochs', 'batch', 'clip', 'seed'] as const) {
      const flag = CLASSIFIER_OPTION_SPECS[key].flag;
      expect(LANGUAGE_MODEL_OPTION_SPECS[key].flag, key).toBe(flag);
      expect(SEQ2SEQ_OPTION_SPECS[key].flag, key).toBe(flag);
    }
    expect(CLASSIFIER_OPTION_SPECS.valFraction.flag).toBe('--val');
    expect(CLASSIFIER_OPTION_SPECS.valFile.flag).toBe('--val-file');
  });

  it('the averaged model learns rows for training words without a vector by default (as fastText with pretrained vectors); the recurrent one skips them', () => {
    expect(resolveClassifierOptions({})).toMatchObject({ model: 'avg', unknown: 'learn', minCount: 1, lr: 0.1 });
    expect(resolveClassifierOptions({ model: 'rnn' })).toMatchObject({ unknown: 'skip', minCount: 2, lr: 0.002 });
    expect(resolveClassifierOptions({ unknown: 'skip', minCount: 3 })).toMatchObject({ unknown: 'skip', minCount: 3 });
  });

  it('--resume needs a checkpoint and excludes --autotune', () => {
    expect(() => resolveClassifierOptions({ resume: true })).toThrow('option --resume needs a checkpoint path (library option checkpoint)');
    expect(() => resolveClassifierOptions({ resume: true, checkpoint: 'x.ckpt', autotune: true })).toThrow('option --autotune cannot --resume (each trial is a run of its own)');
  });
});
