/**
 * The seq2seq network as two plain tfjs functional models built from wordloom's fused layers, so
 * both load with plain `tf.loadLayersModel` (all their classes are tfjs's own):
 *
 *   encoder  source ids [batch, S] -> memory [batch, S, units], then per layer its final state(s)
 *            (h, and c for LSTM; [batch, units] each). Embedding with maskZero, so `<PAD>` (id 0)
 *            positions carry the state through: the final state is that of the last real token.
 *            Bidirectional: each layer reads both ways with units/2 per direction, and outputs and
 *            states are the two halves concatenated.
 *   decoder  previous target ids [batch, T], the per-layer states, the memory and the source mask
 *            bias [batch, 1, S] (0 at real tokens, -1e9 at padding: added to the attention scores
 *            before the softmax, so padding gets weight 0), with local-p attention the source
 *            positions [batch, 1, S] (0..S-1 in every row), and with input feeding the previous
 *            attentional vectors [batch, T, units]
 *            -> logits [batch, T, target vocabulary], attention weights [batch, T, S], attentional
 *            vectors [batch, T, units], then the new per-layer states.
 *
 * Attention (chosen by option):
 *   luong-dot      score(s_t, h_j) = s_t · h_j, with s_t the decoder's output AFTER its step t;
 *   luong-general  score = s_t · W h_j;
 *   bahdanau       score = v · tanh(W1 h_j + W2 s_{t-1}), with s_{t-1} the top layer's state BEFORE
 *                  the step, and the context concatenated to the step's input embedding.
 * Luong's attention is global (a softmax over the whole source) or local-p (a softmax inside a
 * window around a predicted position, times a Gaussian: local-p.ts).
 * All three then compute h̃_t = tanh(Wc [c_t; s_t]) and logits = Wo h̃_t (Luong's attentional
 * vector; for Bahdanau this is a simplified deep output). Luong's scores depend only on the decoder
 * outputs, so without input feeding the decoder model runs a WHOLE target sequence in one call: the
 * recurrence is one fused op and the attention is batched matrix products over all steps (the
 * shape of the tfjs-examples date-conversion model). Bahdanau's query is the previous state, so its
 * decoder model is valid for T = 1 only and training and decoding step it token by token; so does
 * Luong with input feeding (h̃_{t-1} concatenated to the step's input).
 */
import * as tf from '@tensorflow/tfjs';
import { executeOnce, fusedBidirectional, fusedDense, fusedDot, fusedEmbedding, fusedGRU, fusedLSTM, fusedSimpleRNN } from '../layers/index.js';
import { unitsPerLayer, type LayerUnits } from '../lm/layer-units.js';
import type { CellName } from '../lm/options.js';
import { localPWeights, MASKED, sourcePositions } from './local-p.js';
import type { AttentionName } from './options.js';

export { MASKED };

export interface Seq2seqArchitecture {
  sourceVocabularySize: number;
  targetVocabularySize: number;
  cell: CellName;
  layers: number;
  /** One size for every layer or one per layer (lowest first); encoder and decoder layer l share it. */
  units: LayerUnits;
  embedding: number;
  bidirectional: boolean;
  attention: AttentionName;
  inputFeeding: boolean;
  /** Bahdanau's hidden size (the top layer's units when 0 was asked for). */
  attentionUnits: number;
  /** Luong only: local-p attention (false: global). Absent in models saved before it existed. */
  localP: boolean;
  /** Local-p: half-width D of the window (σ = D/2). */
  window: number;
}

export interface Seq2seqNetwork {
  arch: Seq2seqArchitecture;
  encoder: tf.LayersModel;
  decoder: tf.LayersModel;
}

/** State tensors per layer: 2 (h, c) for LSTM, 1 (h) otherwise. */
export function statesPerLayer(cell: CellName): number {
  return cell === 'lstm' ? 2 : 1;
}

/** Whether the decoder must be stepped one token at a time (Bahdanau, or input feeding). */
export function stepsOneByOne(arch: Pick<Seq2seqArchitecture, 'attention' | 'inputFeeding'>): boolean {
  return arch.attention === 'bahdanau' || arch.inputFeeding;
}

type Sym = tf.SymbolicTensor;

/**
 * Builds both models with seeded initial weights (`nextSeed` gives one seed per weight), as PyTorch
 * initialises its layers: recurrent and dense weights uniform in ±1/sqrt(fan-in), embeddings with
 * unit variance (uniform in ±sqrt(3)).
 */
export function buildSeq2seqNetwork(arch: Seq2seqArchitecture, nextSeed: () => number): Seq2seqNetwork {
  if (arch.localP && arch.attention === 'bahdanau') throw new Error('local-p attention is for Luong attention (dot or general), not bahdanau');
  const uniform = (limit: number) => tf.initializers.randomUniform({ minval: -limit, maxval: limit, seed: nextSeed() });
  const recurrent = (name: string, units: number, extra: Record<string, unknown>): tf.layers.Layer => {
    const k = 1 / Math.sqrt(units);
    const args = {
      name, units, returnSequences: true, returnState: true, activation: 'tanh' as const,
      kernelInitializer: uniform(k), recurrentInitializer: uniform(k), biasInitializer: uniform(k), ...extra,
    };
    if (arch.cell === 'lstm') return fusedLSTM({ ...args, recurrentActivation: 'sigmoid', unitForgetBias: false });
    if (arch.cell === 'gru') return fusedGRU({ ...args, recurrentActivation: 'sigmoid' });
    return fusedSimpleRNN(args);
  };
  const dense = (name: string, units: number, fanIn: number, extra: Record<string, unknown> = {}): tf.layers.Layer =>
    fusedDense({ name, units, kernelInitializer: uniform(1 / Math.sqrt(fanIn)), biasInitializer: uniform(1 / Math.sqrt(fanIn)), ...extra });
  const perLayer = statesPerLayer(arch.cell);
  // Decoder layer l starts from encoder layer l's final state, so both are sizes[l] wide; the
  // memory, the attention and the attentional vector are the top layer's width U.
  const sizes = unitsPerLayer(arch.units, arch.layers);
  const U = sizes[arch.layers - 1]!;

  // Encoder.
  const source = tf.input({ shape: [null], dtype: 'int32', name: 'source' });
  let x = fusedEmbedding({ name: 'source_embedding', inputDim: arch.sourceVocabularySize, outputDim: arch.embedding, maskZero: true, embeddingsInitializer: uniform(Math.sqrt(3)) }).apply(source) as Sym;
  const finalStates: Sym[] = [];
  for (let l = 0; l < arch.layers; l++) {
    if (arch.bidirectional) {
      const layer = fusedBidirectional({ layer: recurrent(`encoder_${arch.cell}_${l + 1}`, sizes[l]! / 2, {}) as tf.RNN, mergeMode: 'concat', name: `encoder_bidirectional_${l + 1}` });
      const out = layer.apply(x) as Sym[];
      x = out[0]!;
      for (let s = 0; s < perLayer; s++) {
        finalStates.push(tf.layers.concatenate({ name: `encoder_state_${l + 1}_${s}` }).apply([out[1 + s]!, out[1 + perLayer + s]!]) as Sym);
      }
    } else {
      const out = recurrent(`encoder_${arch.cell}_${l + 1}`, sizes[l]!, {}).apply(x) as Sym[];
      x = out[0]!;
      finalStates.push(...out.slice(1));
    }
  }
  const encoder = tf.model({ name: 'encoder', inputs: source, outputs: [x, ...finalStates] });

  // Decoder.
  // Bahdanau's decoder is a one-step model (its query is the state before the step): time 1.
  const previous = tf.input({ shape: [arch.attention === 'bahdanau' ? 1 : null], dtype: 'int32', name: 'previous' });
  const stateInputs: Sym[] = [];
  for (let l = 0; l < arch.layers; l++) for (let s = 0; s < perLayer; s++) stateInputs.push(tf.input({ shape: [sizes[l]!], name: `state_${l + 1}_${s}` }));
  const memory = tf.input({ shape: [null, U], name: 'memory' });
  const maskBias = tf.input({ shape: [1, null], name: 'source_mask_bias' });
  const positions = arch.localP ? tf.input({ shape: [1, null], name: 'source_positions' }) : null;
  const feed = arch.inputFeeding ? tf.input({ shape: [null, U], name: 'attentional_previous' }) : null;
  const embedded = fusedEmbedding({ name: 'target_embedding', inputDim: arch.targetVocabularySize, outputDim: arch.embedding, embeddingsInitializer: uniform(Math.sqrt(3)) }).apply(previous) as Sym;

  /** Attention weights [batch, T, S] and context [batch, T, units] from scores [batch, T, S] (and local-p's query [batch, T, units]). */
  const attend = (scores: Sym, query: Sym | null): { weights: Sym; context: Sym } => {
    let weights: Sym;
    if (positions !== null) {
      weights = localPWeights({ query: query!, scores, maskBias, positions, window: arch.window, dense }).weights;
    } else {
      const masked = tf.layers.add({ name: 'attention_masked_scores' }).apply([scores, maskBias]) as Sym;
      weights = tf.layers.softmax({ axis: -1, name: 'attention_weights' }).apply(masked) as Sym;
    }
    const context = fusedDot({ axes: [2, 1], name: 'attention_context' }).apply([weights, memory]) as Sym;
    return { weights, context };
  };
  const runLayers = (input: Sym): { output: Sym; states: Sym[] } => {
    let h = input;
    const states: Sym[] = [];
    for (let l = 0; l < arch.layers; l++) {
      const initialState = stateInputs.slice(l * perLayer, (l + 1) * perLayer);
      const out = recurrent(`decoder_${arch.cell}_${l + 1}`, sizes[l]!, {}).apply(h, { initialState }) as Sym[];
      h = out[0]!;
      states.push(...out.slice(1));
    }
    return { output: h, states };
  };

  let top: { output: Sym; states: Sym[] };
  let attention: { weights: Sym; context: Sym };
  if (arch.attention === 'bahdanau') {
    const A = arch.attentionUnits;
    const query = tf.layers.reshape({ targetShape: [1, U], name: 'attention_query_step' }).apply(stateInputs[(arch.layers - 1) * perLayer]!) as Sym;
    const keys = dense('attention_memory', A, U, { useBias: false }).apply(memory) as Sym;
    const q = dense('attention_query', A, U).apply(query) as Sym;
    const hidden = tf.layers.activation({ activation: 'tanh', name: 'attention_tanh' }).apply(tf.layers.add({ name: 'attention_sum' }).apply([keys, q]) as Sym) as Sym;
    const e = dense('attention_v', 1, A, { useBias: false }).apply(hidden) as Sym;
    attention = attend(tf.layers.permute({ dims: [2, 1], name: 'attention_scores' }).apply(e) as Sym, null);
    const input = tf.layers.concatenate({ name: 'decoder_input' }).apply([embedded, attention.context]) as Sym;
    top = runLayers(input);
  } else {
    const input = feed ? (tf.layers.concatenate({ name: 'decoder_input' }).apply([embedded, feed]) as Sym) : embedded;
    top = runLayers(input);
    const keys = arch.attention === 'luong-general' ? (dense('attention_general', U, U, { useBias: false }).apply(memory) as Sym) : memory;
    attention = attend(fusedDot({ axes: [2, 2], name: 'attention_scores' }).apply([top.output, keys]) as Sym, top.output);
  }
  const combined = tf.layers.concatenate({ name: 'attention_combined' }).apply([attention.context, top.output]) as Sym;
  const attentional = dense('attentional', U, 2 * U, { activation: 'tanh' }).apply(combined) as Sym;
  const logits = dense('logits', arch.targetVocabularySize, U).apply(attentional) as Sym;
  const decoder = tf.model({
    name: 'decoder',
    inputs: [previous, ...stateInputs, memory, maskBias, ...(positions ? [positions] : []), ...(feed ? [feed] : [])],
    outputs: [logits, attention.weights, attentional, ...top.states],
  });
  return { arch, encoder, decoder };
}

/** The encoder's outputs: the memory and the per-layer final states (flat, in layer order). */
export interface Encoded {
  memory: tf.Tensor3D;
  states: tf.Tensor2D[];
  /** [batch, 1, S]: 0 at real tokens, MASKED at padding. */
  maskBias: tf.Tensor3D;
  /** Local-p: [batch, 1, S], 0..S-1 in every row; null otherwise. */
  positions: tf.Tensor3D | null;
}

export interface DecoderStep {
  logits: tf.Tensor3D;
  weights: tf.Tensor3D;
  attentional: tf.Tensor3D;
  states: tf.Tensor2D[];
}

/** Runs the encoder on source ids [batch, S] (int32, `<PAD>`-padded on the right). */
export function encode(network: Seq2seqNetwork, source: tf.Tensor2D, training: boolean): Encoded {
  const outs = executeOnce(network.encoder, [source], training);
  const maskBias = tf.tidy(() => tf.mul(tf.cast(tf.equal(source, 0), 'float32'), MASKED).expandDims(1)) as tf.Tensor3D;
  const positions = network.arch.localP ? sourcePositions(source.shape[0], source.shape[1]) : null;
  return { memory: outs[0] as tf.Tensor3D, states: outs.slice(1) as tf.Tensor2D[], maskBias, positions };
}

/**
 * The decoder without its output layer (outputs: attention weights, attentional vectors, states),
 * sharing the decoder's layers and weights, and that output layer: training computes the logits
 * and the loss in one op (denseSoftmaxCrossEntropy), so the logits never become a tfjs tensor.
 * Built from the decoder's own graph, so a loaded decoder gets one too.
 */
const bodies = new WeakMap<tf.LayersModel, { body: tf.LayersModel; output: tf.layers.Layer }>();
export function decoderBody(network: Seq2seqNetwork): { body: tf.LayersModel; output: tf.layers.Layer } {
  let found = bodies.get(network.decoder);
  if (found === undefined) {
    const { decoder } = network;
    found = { body: tf.model({ name: 'decoder_body', inputs: decoder.inputs, outputs: decoder.outputs.slice(1) }), output: decoder.getLayer('logits') };
    bodies.set(decoder, found);
  }
  return found;
}

/** decodeSteps without the logits: the attention weights, attentional vectors and states (`feed`: the previous attentional vectors, with input feeding). */
export function decodeBodySteps(network: Seq2seqNetwork, previous: tf.Tensor2D, states: tf.Tensor2D[], encoded: Encoded, training: boolean, feed: tf.Tensor3D | null = null): Omit<DecoderStep, 'logits'> {
  const outs = executeOnce(decoderBody(network).body, decoderInputs(network, previous, states, encoded, feed), training);
  return { weights: outs[0] as tf.Tensor3D, attentional: outs[1] as tf.Tensor3D, states: outs.slice(2) as tf.Tensor2D[] };
}

/** Runs the decoder on previous ids [batch, T] from `states` (T must be 1 when the decoder steps one by one). */
export function decodeSteps(network: Seq2seqNetwork, previous: tf.Tensor2D, states: tf.Tensor2D[], encoded: Encoded, feed: tf.Tensor3D | null, training: boolean): DecoderStep {
  const outs = executeOnce(network.decoder, decoderInputs(network, previous, states, encoded, feed), training);
  return { logits: outs[0] as tf.Tensor3D, weights: outs[1] as tf.Tensor3D, attentional: outs[2] as tf.Tensor3D, states: outs.slice(3) as tf.Tensor2D[] };
}

/** The decoder's inputs in its order: previous ids, states, memory, mask, (positions), (attentional feed). */
function decoderInputs(network: Seq2seqNetwork, previous: tf.Tensor2D, states: tf.Tensor2D[], encoded: Encoded, feed: tf.Tensor3D | null): tf.Tensor[] {
  const inputs: tf.Tensor[] = [previous, ...states, encoded.memory, encoded.maskBias];
  if (network.arch.localP) inputs.push(encoded.positions!);
  if (network.arch.inputFeeding) inputs.push(feed!);
  return inputs;
}
