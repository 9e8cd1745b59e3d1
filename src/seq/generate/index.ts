/**
 * Text generation from recurrent language models (tfjs only: runs in Node and in browsers).
 * See generate.ts for the flow, stepper.ts for the model shape, options.ts for the options.
 */
export {
  generate, generateBatch, generateText, generateTexts, createLogitsProcessors, createSampler, readGenerationHints,
  type GenerationHints,
} from './generate.js';
export { GENERATION_DEFAULTS, TOKEN_LEVELS, resolveGenerationOptions, type GenerationOptions, type ResolvedGenerationOptions, type TokenLevel } from './options.js';
export {
  LogitsProcessorList, TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper, SuppressTokensLogitsProcessor,
  RepetitionPenaltyLogitsProcessor, type LogitsProcessor, type TokenHistory,
} from './logits-processors.js';
export { argmax, GreedySampler, MultinomialSampler, type Sampler } from './samplers.js';
export { Xoshiro128 } from './prng.js';
export { RecurrentStepper, type RecurrentKind, type StepperLayout } from './stepper.js';
export {
  joinTokens, detectLevel, splitPrime, PAD_ID, UNK_ID, BOS_ID, EOS_ID,
  type GenerationVocabulary, type TokenMap, type WordloomVocabularyLike, type PrimeSplitting,
} from './tokens.js';
