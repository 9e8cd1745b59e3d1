/**
 * One token at a time through a recurrent language model, with the recurrent states carried
 * between calls, so generating n tokens costs n steps (not the n²/2 of re-running the model on
 * the whole text each time).
 *
 * The model is what wordloom's LM trainer saves and plain `tf.loadLayersModel` loads: a chain
 * Embedding -> one or more LSTM / GRU / SimpleRNN layers (Dropout and other inference-time
 * identities may sit between them) -> Dense over the vocabulary (linear logits; a softmax
 * activation, or a final Softmax/Activation layer, is dropped so the logits come out). The
 * stepper does not copy weights: it reads the layers' own variables and calls each recurrent
 * layer's own cell (`layer.cell.call([x, ...states])`), the function tfjs's RNN layer runs at
 * every time step, so its results are those of running the model on the whole sequence.
 *
 * tfjs only; no Node API: the same code runs in a browser.
 */
import * as tf from '@tensorflow/tfjs';
import { WordloomError } from '../../errors.js';

export type RecurrentKind = 'LSTM' | 'GRU' | 'SimpleRNN';

/** Layers that are the identity at inference time and may sit anywhere in the chain. */
const INFERENCE_IDENTITIES = new Set(['Dropout', 'SpatialDropout1D', 'GaussianDropout', 'GaussianNoise', 'AlphaDropout']);
const RECURRENT_KINDS = new Set<string>(['LSTM', 'GRU', 'SimpleRNN']);

type Masks = tf.Tensor | tf.Tensor[] | null;

/** The parts of tfjs's RNN layers and cells used here (private in tfjs's typings). */
interface CellInternals {
  stateSize: number | number[];
  dropoutMask: Masks;
  recurrentDropoutMask: Masks;
  call(inputs: tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor[];
}
interface RecurrentInternals {
  cell: CellInternals;
  goBackwards: boolean;
}
interface LayerVariableInternals {
  read(): tf.Tensor;
  shape: number[];
}

interface RecurrentSlot {
  layer: tf.layers.Layer;
  kind: RecurrentKind;
  cell: CellInternals;
  stateSizes: number[];
  /** The cell's all-ones inference dropout masks for the current batch size (owned here). */
  inputMask: Masks;
  recurrentMask: Masks;
}

/** What the stepper found in the model. */
export interface StepperLayout {
  /** Size of the output distribution: the Dense layer's units. */
  vocabSize: number;
  /** Ids the Embedding accepts: 0 .. inputDim − 1. */
  inputDim: number;
  embeddingDim: number;
  recurrent: { name: string; kind: RecurrentKind; units: number }[];
  /** Whether the model's last step applies a softmax that the stepper leaves out. */
  droppedSoftmax: boolean;
}

export class RecurrentStepper {
  readonly layout: StepperLayout;
  private readonly embeddings: tf.Tensor;
  private readonly slots: RecurrentSlot[];
  private readonly output: (h: tf.Tensor2D) => tf.Tensor2D;
  private states: tf.Tensor2D[][] = [];
  private batch = 0;
  private disposed = false;

  private constructor(layout: StepperLayout, embeddings: tf.Tensor, slots: RecurrentSlot[], output: (h: tf.Tensor2D) => tf.Tensor2D) {
    this.layout = layout;
    this.embeddings = embeddings;
    this.slots = slots;
    this.output = output;
  }

  /**
   * A stepper over `model` (which it uses, never changes or disposes), with zero states for one
   * sequence. Throws WordloomError 'EFORMAT' naming the layer when the model is not of the shape
   * described at the top of this file.
   */
  static fromModel(model: tf.LayersModel, batchSize = 1): RecurrentStepper {
    const name = model.name || 'model';
    const fail = (why: string): never => {
      throw new WordloomError(
        'EFORMAT',
        `${name} cannot generate text: ${why} (expected Embedding -> LSTM/GRU/SimpleRNN layers, Dropout allowed between them -> Dense over the vocabulary)`,
      );
    };
    if (model.inputs.length !== 1 || model.outputs.length !== 1) fail(`it has ${model.inputs.length} inputs and ${model.outputs.length} outputs, not one of each`);
    const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
    checkChain(layers, fail);
    const describe = (l: tf.layers.Layer, i: number): string => `layer ${i + 1} (${l.name}, ${l.getClassName()})`;

    let i = 0;
    const first = layers[0];
    if (!first || first.getClassName() !== 'Embedding') fail(first ? `${describe(first, 0)} is not an Embedding` : 'it has no layers');
    const embedding = first!;
    const table = (embedding.weights[0] as unknown as LayerVariableInternals | undefined)?.read();
    if (!table || table.rank !== 2) fail(`${describe(embedding, 0)} has no [inputDim, outputDim] table (is the model built?)`);
    const [inputDim, embeddingDim] = table!.shape as [number, number];
    i++;

    const slots: RecurrentSlot[] = [];
    let features = embeddingDim;
    let output: ((h: tf.Tensor2D) => tf.Tensor2D) | null = null;
    let droppedSoftmax = false;
    let vocabSize = 0;
    for (; i < layers.length; i++) {
      const layer = layers[i]!;
      const cls = layer.getClassName();
      if (INFERENCE_IDENTITIES.has(cls)) continue;
      if (output !== null) {
        // After the Dense: only a softmax (dropped) may follow.
        const config = layer.getConfig();
        if (cls === 'Softmax' || (cls === 'Activation' && config['activation'] === 'softmax')) {
          droppedSoftmax = true;
          continue;
        }
        if (cls === 'Activation' && config['activation'] === 'linear') continue;
        fail(`${describe(layer, i)} follows the output Dense layer`);
      }
      if (RECURRENT_KINDS.has(cls)) {
        const rnn = layer as unknown as RecurrentInternals;
        if (rnn.goBackwards) fail(`${describe(layer, i)} runs backwards (goBackwards), so it cannot be stepped forwards`);
        const cell = rnn.cell;
        const stateSizes = Array.isArray(cell.stateSize) ? cell.stateSize.slice() : [cell.stateSize];
        const kernel = (layer.weights[0] as unknown as LayerVariableInternals | undefined)?.shape;
        if (!kernel || kernel[0] !== features) fail(`${describe(layer, i)} expects ${kernel?.[0] ?? 'unknown'} input features, but gets ${features}`);
        slots.push({ layer, kind: cls as RecurrentKind, cell, stateSizes, inputMask: null, recurrentMask: null });
        features = stateSizes[0]!;
        continue;
      }
      const dense = cls === 'TimeDistributed' ? ((layer as unknown as { layer: tf.layers.Layer }).layer ?? layer) : layer;
      if (dense.getClassName() !== 'Dense') {
        const why = cls === 'Bidirectional' ? ': a bidirectional layer reads the future, so it cannot be stepped' : '';
        fail(`${describe(layer, i)} is not an LSTM, GRU, SimpleRNN, Dropout or Dense layer${why}`);
      }
      if (slots.length === 0) fail(`${describe(layer, i)} comes before any recurrent layer`);
      const activation = dense.getConfig()['activation'];
      const weights = dense.weights as unknown as LayerVariableInternals[];
      const kernel = weights.find((w) => w.shape.length === 2);
      const bias = weights.find((w) => w.shape.length === 1);
      if (!kernel || kernel.shape[0] !== features) fail(`${describe(layer, i)} expects ${kernel?.shape[0] ?? 'unknown'} input features, but gets ${features}`);
      vocabSize = kernel!.shape[1]!;
      if (activation === 'linear') {
        output = (h) => dense.apply(h) as tf.Tensor2D;
      } else if (activation === 'softmax') {
        droppedSoftmax = true;
        output = (h) => {
          const z = tf.matMul(h, kernel!.read() as tf.Tensor2D) as tf.Tensor2D;
          return bias ? (tf.add(z, bias.read()) as tf.Tensor2D) : z;
        };
      } else {
        fail(`${describe(layer, i)} has activation ${String(activation)}; the output layer must give logits (linear) or probabilities (softmax)`);
      }
    }
    if (slots.length === 0) fail('it has no LSTM, GRU or SimpleRNN layer');
    if (output === null) fail('it has no Dense output layer after the recurrent layers');
    const layout: StepperLayout = {
      vocabSize,
      inputDim,
      embeddingDim,
      recurrent: slots.map((s) => ({ name: s.layer.name, kind: s.kind, units: s.stateSizes[0]! })),
      droppedSoftmax,
    };
    const stepper = new RecurrentStepper(layout, table!, slots, output!);
    stepper.reset(batchSize);
    return stepper;
  }

  /** Number of sequences stepped together. */
  get batchSize(): number {
    return this.batch;
  }

  /** Zero states for `batchSize` independent sequences (the model's initial state). */
  reset(batchSize = this.batch || 1): void {
    this.assertLive();
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be an integer >= 1, got ${batchSize}`);
    const fresh = this.slots.map((s) => s.stateSizes.map((size) => tf.zeros([batchSize, size]) as tf.Tensor2D));
    this.replaceStates(fresh, batchSize);
  }

  /**
   * Feeds `time` tokens to each of the batch's sequences from the current states: `ids` holds
   * batchSize × time ids, sequence by sequence (row-major [batch, time]). The states advance past
   * the last token; returns the logits after it, [batchSize, vocabSize] (the caller disposes).
   * Priming is one call with the whole priming text; generation is one call per token (time 1).
   */
  feed(ids: ArrayLike<number>, time = 1): tf.Tensor2D {
    this.assertLive();
    const batch = this.batch;
    if (!Number.isInteger(time) || time < 1) throw new RangeError(`time must be an integer >= 1, got ${time}`);
    if (ids.length !== batch * time) throw new RangeError(`expected ${batch} × ${time} ids, got ${ids.length}`);
    const idArray = Int32Array.from(ids);
    for (let k = 0; k < idArray.length; k++) {
      const id = idArray[k]!;
      if (!(id >= 0 && id < this.layout.inputDim) || id !== ids[k]) {
        throw new RangeError(`token id ${String(ids[k])} is outside the model's embedding (0..${this.layout.inputDim - 1})`);
      }
    }
    const result = tf.tidy(() => {
      const embedded = tf.gather(this.embeddings, tf.tensor2d(idArray, [batch, time], 'int32')); // [batch, time, E]
      let xs: tf.Tensor2D[] = time === 1 ? [tf.reshape(embedded, [batch, this.layout.embeddingDim])] : (tf.unstack(embedded, 1) as tf.Tensor2D[]);
      const next: tf.Tensor2D[][] = [];
      this.slots.forEach((slot, l) => {
        let states = this.states[l]!;
        const outputs: tf.Tensor2D[] = [];
        for (let t = 0; t < time; t++) {
          const out = this.callCell(slot, [xs[t]!, ...states]);
          outputs.push(out[0]!);
          states = out.slice(1);
        }
        next.push(states);
        xs = outputs;
      });
      const logits = this.output(xs[time - 1]!);
      return [logits, ...next.flat()];
    });
    const [logits, ...flat] = result;
    const grouped: tf.Tensor2D[][] = [];
    let k = 0;
    for (const slot of this.slots) grouped.push(slot.stateSizes.map(() => flat[k++]!));
    this.replaceStates(grouped, batch);
    return logits!;
  }

  /** One token per sequence (`ids.length` = batchSize); returns the next logits [batchSize, vocabSize]. */
  step(ids: ArrayLike<number>): tf.Tensor2D {
    return this.feed(ids, 1);
  }

  /** Copies sequence `row`'s states to `batchSize` sequences (prime once, then sample many). */
  expand(batchSize: number, row = 0): void {
    this.assertLive();
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be an integer >= 1, got ${batchSize}`);
    if (!Number.isInteger(row) || row < 0 || row >= this.batch) throw new RangeError(`row ${row} is outside the batch (size ${this.batch})`);
    const tiled = tf.tidy(() =>
      this.states.map((layerStates) => layerStates.map((s) => tf.tile(tf.slice(s, [row, 0], [1, -1]), [batchSize, 1]) as tf.Tensor2D)),
    );
    this.replaceStates(tiled, batchSize);
  }

  /** A copy of the current states, per recurrent layer (LSTM: [h, c]; GRU, SimpleRNN: [h]); the caller disposes. */
  getStates(): tf.Tensor2D[][] {
    this.assertLive();
    return this.states.map((layerStates) => layerStates.map((s) => s.clone()));
  }

  /** Frees the states (the model is left alone). The stepper cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    tf.dispose(this.states.flat());
    this.states = [];
    this.dropMasks();
    this.disposed = true;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** The states outlive any tf.tidy the caller runs the stepper in (tf.keep); they are freed here. */
  private replaceStates(next: tf.Tensor2D[][], batch: number): void {
    for (const layerStates of next) for (const s of layerStates) tf.keep(s);
    const old = this.states;
    this.states = next;
    tf.dispose(old.flat());
    if (batch !== this.batch) this.dropMasks();
    this.batch = batch;
  }

  /**
   * The cell's own step. tfjs's cells make their dropout masks on first use and keep them
   * (`tf.keep`) until the layer's next call; at inference they are all ones. The layer's own
   * masks (from the model's last call) are set aside and put back, and the masks made here are
   * kept for the next step of the same batch size, then freed.
   */
  private callCell(slot: RecurrentSlot, inputs: tf.Tensor[]): tf.Tensor2D[] {
    const cell = slot.cell;
    const ownInput = cell.dropoutMask;
    const ownRecurrent = cell.recurrentDropoutMask;
    cell.dropoutMask = slot.inputMask;
    cell.recurrentDropoutMask = slot.recurrentMask;
    try {
      return cell.call(inputs, { training: false }) as tf.Tensor2D[];
    } finally {
      slot.inputMask = cell.dropoutMask;
      slot.recurrentMask = cell.recurrentDropoutMask;
      cell.dropoutMask = ownInput;
      cell.recurrentDropoutMask = ownRecurrent;
    }
  }

  private dropMasks(): void {
    for (const slot of this.slots) {
      if (slot.inputMask) tf.dispose(slot.inputMask);
      if (slot.recurrentMask) tf.dispose(slot.recurrentMask);
      slot.inputMask = null;
      slot.recurrentMask = null;
    }
  }

  private assertLive(): void {
    if (this.disposed) throw new Error('this RecurrentStepper was disposed');
  }
}

/** In a functional model, every layer must take the previous one's output (a plain chain). */
function checkChain(layers: tf.layers.Layer[], fail: (why: string) => never): void {
  for (let i = 1; i < layers.length; i++) {
    const nodes = (layers[i] as unknown as { inboundNodes?: { inboundLayers: unknown[] }[] }).inboundNodes;
    if (!nodes) continue;
    const fromPrevious = nodes.some((n) => n.inboundLayers.length === 1 && n.inboundLayers[0] === layers[i - 1]);
    if (!fromPrevious) fail(`layer ${i + 1} (${layers[i]!.name}) does not take the output of layer ${i} (${layers[i - 1]!.name}): not a plain chain`);
  }
}
