/**
 * The LM trainer builds its network from wordloom's fused layers (tfjs subclasses computed by the
 * engine), so a model it holds in memory, or one loaded after registerFusedLayers(), has fused
 * layers: the stepper (which imports no engine code) must step those too, and give the fused
 * model's own logits. This test imports the fused layers; src/seq/generate does not.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fusedDense, fusedEmbedding, fusedGRU, fusedLSTM, fusedSimpleRNN } from '../../../src/seq/layers/index.js';
import { RecurrentStepper, generateText } from '../../../src/seq/generate/index.js';
import { useCpuBackend } from '../layers/harness.js';
import { charVocabulary, fullLogits, maxAbsDiff, setSeededWeights } from './fixtures.js';

beforeAll(useCpuBackend);

const vocab = charVocabulary('abcdefghi');
const V = vocab.size;

describe.each(['LSTM', 'GRU', 'SimpleRNN'] as const)('a fused %s network like the trainer\'s', (kind) => {
  it('steps to the fused model\'s logits at every position and generates without leaks', async () => {
    const make = kind === 'LSTM' ? fusedLSTM : kind === 'GRU' ? fusedGRU : fusedSimpleRNN;
    const recurrent = (name: string) => {
      const args: Record<string, unknown> = { name, units: 8, returnSequences: true };
      if (kind !== 'SimpleRNN') args['recurrentActivation'] = 'sigmoid';
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return make(args as any);
    };
    const model = tf.sequential({
      name: 'language_model',
      layers: [
        fusedEmbedding({ name: 'embedding', inputDim: V, outputDim: 6, batchInputShape: [null, null] }),
        recurrent('rnn_1'),
        recurrent('rnn_2'),
        fusedDense({ name: 'logits', units: V }),
      ],
    });
    setSeededWeights(model, 3);
    const ids = [[4, 7, 5, 12, 3, 6, 6, 9, 11, 4], [3, 8, 8, 10, 5, 4, 12, 7, 6, 5]];
    const full = fullLogits(model, ids);
    const stepper = RecurrentStepper.fromModel(model, 2);
    let worst = 0;
    for (let t = 0; t < ids[0]!.length; t++) {
      const logits = stepper.step(ids.map((row) => row[t]!));
      const d = logits.dataSync() as Float32Array;
      logits.dispose();
      for (let b = 0; b < 2; b++) worst = Math.max(worst, maxAbsDiff(d.subarray(b * V, (b + 1) * V), full[b]![t]!));
    }
    stepper.dispose();
    expect(worst).toBeLessThan(1e-5);

    const before = tf.memory().numTensors;
    const text = await generateText(model, vocab, { maxLength: 100, stopAtEos: false, prime: 'abc' });
    expect(Array.from(text)).toHaveLength(100);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
