export { WordloomError, type ErrorCode } from './errors.js';
export { VectorSet } from './vectors/vector-set.js';
export {
  loadVectors,
  saveVectors,
  detectVectorFormat,
  VECTOR_FORMATS,
  type VectorFormat,
  type LoadVectorsOptions,
  type SaveVectorsOptions,
} from './vectors/formats/index.js';
