export { BACKEND_NAMES, BACKEND_ENV_VAR, isBackendName, parseBackendName, type BackendName } from './backend-name.js';
export { selectBackend, type SelectBackendOptions } from './select-backend.js';
export { registerWasmFallbackKernels } from './wasm-fallback-kernels.js';
export { segmentSumFloat32, segmentSumInt32, unsortedSegmentSumWasmConfig } from './unsorted-segment-sum.js';
