/**
 * executeOnce runs a functional model with every layer called once, where tfjs's own executor
 * (predict/execute) calls a layer with several outputs once per output; same results.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { executeOnce, fusedEmbedding, fusedLSTM } from '../../../src/seq/layers/index.js';
import { assertClose, useCpuBackend } from './harness.js';

beforeAll(useCpuBackend);

describe('executeOnce', () => {
  it('calls an LSTM returning its sequence and both states once (tfjs predict: three times), with the same outputs, masks included', () => {
    const ids = tf.input({ shape: [null], dtype: 'int32' });
    const embedded = fusedEmbedding({ inputDim: 7, outputDim: 4, maskZero: true }).apply(ids) as tf.SymbolicTensor;
    const lstm = fusedLSTM({ units: 5, returnSequences: true, returnState: true });
    const outputs = lstm.apply(embedded) as tf.SymbolicTensor[];
    const model = tf.model({ inputs: ids, outputs });
    let calls = 0;
    const call = lstm.call.bind(lstm);
    lstm.call = (inputs, kwargs) => {
      calls++;
      return call(inputs, kwargs);
    };
    const x = tf.tensor2d([[1, 2, 3, 0], [4, 5, 0, 0]], [2, 4], 'int32');
    const viaTfjs = (model.predict(x) as tf.Tensor[]).map((t) => t.dataSync() as Float32Array);
    const tfjsCalls = calls;
    calls = 0;
    const once = executeOnce(model, [x], false).map((t) => t.dataSync() as Float32Array);
    expect(tfjsCalls).toBe(3);
    expect(calls).toBe(1);
    expect(once.length).toBe(3);
    once.forEach((o, i) => assertClose(o, viaTfjs[i]!, `output ${i}`, 0));
    x.dispose();
  });
});
