export {
  fusedLSTM, fusedGRU, fusedSimpleRNN, fusedDense, fusedEmbedding, fusedDot, fusedBidirectional,
  FusedLSTM, FusedGRU, FusedSimpleRNN, FusedDense, FusedEmbedding, FusedDot,
  registerFusedLayers, unregisterFusedLayers, fusedLayersRegistered, withFusedLayers, executeOnce,
  type LSTMArgs, type GRUArgs, type SimpleRNNArgs, type DenseArgs, type EmbeddingArgs, type BidirectionalArgs, type DotArgs,
} from './layers/index.js';
export { setEngineThreads, engineThreads, engineReady, engineBuild } from './engine/index.js';
export {
  selectBackend, registerWasmFallbackKernels, BACKEND_NAMES, BACKEND_ENV_VAR, parseBackendName,
  type BackendName, type SelectBackendOptions,
} from './backend/index.js';
export { sparseSoftmaxCrossEntropy, type LossReduction } from './losses/sparse-softmax-cross-entropy.js';
export * from './generate/index.js';
export * from './lm/index.js';
export { FusedAdam, fusedAdam } from './optimizers/fused-adam.js';
export * from './classify/index.js';
export * from './metrics/index.js';
export * from './tune/index.js';
