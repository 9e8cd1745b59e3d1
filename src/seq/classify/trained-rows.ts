/**
 * The rows of a classifier's word table that training can change: those the training texts read,
 * and the special rows (<PAD>, <UNK>, which word dropout reads). Every other row (a word of the
 * vectors that no training text has) gets a zero gradient at every step, and Adam with zero
 * gradients and zero moments moves nothing, so training a compact table of the trained rows gives
 * the same weights as training the whole table, without a dense gradient, optimizer pass and copies
 * over all of it each step (on SST-2 with GloVe's top 50,000 words: 11,700 rows instead of 50,905).
 * The compact table is written into the model's embedding layer when the model is read (validation,
 * best weights, checkpoints) and read back from it when the model's weights are set (resume, best
 * weights).
 */
import * as tf from '@tensorflow/tfjs';
import { SPECIAL_TOKENS } from '../../text/vocabulary.js';
import { fusedEmbedding } from '../layers/index.js';

export class TrainedRows {
  /** Row of the whole table for each compact row, ascending. */
  readonly rows: Int32Array;
  /** Compact row of each row of the whole table, -1 where training never reads it. */
  private readonly compactOf: Int32Array;
  private readonly layer: tf.layers.Layer;
  /** The compact table, the variable the word vectors' optimizer trains. */
  readonly variable: tf.Variable;

  constructor(
    private readonly tableLayer: tf.layers.Layer,
    trainingIds: Int32Array,
  ) {
    const [table] = tableLayer.getWeights() as [tf.Tensor2D];
    const [size, dim] = table.shape;
    const used = new Uint8Array(size);
    for (let i = 0; i < Math.min(SPECIAL_TOKENS.length, size); i++) used[i] = 1;
    for (let i = 0; i < trainingIds.length; i++) used[trainingIds[i]!] = 1;
    this.compactOf = new Int32Array(size).fill(-1);
    const rows: number[] = [];
    for (let r = 0; r < size; r++) {
      if (used[r]) {
        this.compactOf[r] = rows.length;
        rows.push(r);
      }
    }
    this.rows = Int32Array.from(rows);
    const compact = tf.tidy(() => tf.gather(table, tf.tensor1d(this.rows, 'int32')));
    this.layer = fusedEmbedding({ name: `${tableLayer.name}_trained_rows`, inputDim: rows.length, outputDim: dim, embeddingsInitializer: 'zeros' });
    this.layer.build([null, null]);
    this.layer.setWeights([compact]);
    compact.dispose();
    this.variable = this.layer.trainableWeights[0]!.read() as tf.Variable;
  }

  /** The ids of texts in compact rows (every id must be one training reads). */
  compactIds(ids: Int32Array): Int32Array {
    const out = new Int32Array(ids.length);
    for (let i = 0; i < ids.length; i++) out[i] = this.compactOf[ids[i]!]!;
    return out;
  }

  /** Compact ids [batch, time] -> their vectors [batch, time, dim], with the gradient to the compact table. */
  embed(compactIds: tf.Tensor2D): tf.Tensor3D {
    return this.layer.apply(compactIds) as tf.Tensor3D;
  }

  /** A [compact rows, 1] column of `trained` for the rows `isTrained` picks and `other` for the rest. */
  column(isTrained: (row: number) => boolean, trained: number, other: number): tf.Tensor2D {
    return tf.tensor2d(Array.from(this.rows, (r) => (isTrained(r) ? trained : other)), [this.rows.length, 1]);
  }

  /** Writes the compact table into the model's embedding layer. */
  toModel(): void {
    const [table] = this.tableLayer.getWeights() as [tf.Tensor2D];
    const whole = table.dataSync().slice() as Float32Array;
    const dim = table.shape[1];
    const compact = this.variable.dataSync() as Float32Array;
    for (let i = 0; i < this.rows.length; i++) whole.set(compact.subarray(i * dim, (i + 1) * dim), this.rows[i]! * dim);
    tf.tidy(() => this.tableLayer.setWeights([tf.tensor2d(whole, table.shape)]));
  }

  /** Reads the compact table back from the model's embedding layer (after its weights were set). */
  fromModel(): void {
    const [table] = this.tableLayer.getWeights() as [tf.Tensor2D];
    tf.tidy(() => this.variable.assign(tf.gather(table, tf.tensor1d(this.rows, 'int32'))));
  }

  dispose(): void {
    // Layer.dispose refuses a layer never applied (a run stopped before its first step); its one weight is all it holds.
    for (const w of this.layer.weights) w.dispose();
  }
}
