export {
  fusedLSTM, fusedGRU, fusedSimpleRNN, fusedDense, fusedBidirectional,
  FusedLSTM, FusedGRU, FusedSimpleRNN, FusedDense,
  registerFusedLayers, unregisterFusedLayers, fusedLayersRegistered, withFusedLayers,
  type LSTMArgs, type GRUArgs, type SimpleRNNArgs, type DenseArgs, type BidirectionalArgs,
} from './layers/index.js';
export { setEngineThreads, engineThreads, engineReady } from './engine/index.js';
export {
  selectBackend, registerWasmFallbackKernels, BACKEND_NAMES, BACKEND_ENV_VAR, parseBackendName,
  type BackendName, type SelectBackendOptions,
} from './backend/index.js';
