export { trainSeq2seq, evaluatePairs, type TrainedSeq2seqModel } from './train.js';
export { Seq2seqModel, type Translation, type TranslateOptions, type Hypothesis } from './model.js';
export { saveSeq2seqModel, loadSeq2seqModel, checkSeq2seqOutput, SEQ2SEQ_FILES } from './model-files.js';
export { greedyDecode, beamDecode, decodeBatches, type DecodeOptions } from './decode.js';
export { localPWeights, sourcePositions, DEFAULT_LOCAL_WINDOW, type LocalPParts } from './local-p.js';
export { buildSeq2seqNetwork, encode, decodeSteps, statesPerLayer, stepsOneByOne, MASKED, type Seq2seqArchitecture, type Seq2seqNetwork, type Encoded, type DecoderStep } from './network.js';
export { PairCodec, buildVocabularies, padBatch, padSources, type EncodedPair, type PaddedBatch } from './codec.js';
export { parsePairs, readPairs, type Pair } from './pairs.js';
export {
  resolveSeq2seqOptions, trainsStepByStep, SEQ2SEQ_DEFAULTS, SEQ2SEQ_OPTION_SPECS, SEQ2SEQ_RECORDED_SETTINGS, ATTENTIONS,
  type Seq2seqOptions, type Seq2seqSetting, type AttentionName, type Seq2seqRecordedSettings,
} from './options.js';
export type { Seq2seqProgress, Seq2seqEvaluation, Seq2seqEpochReport } from './progress.js';
export { SEQ2SEQ_FORMAT, SEQ2SEQ_FORMAT_VERSION, type Seq2seqConfig, type Seq2seqTrainingRecord } from './config.js';
export { attentionSvg, type AttentionSvgOptions } from './attention-svg.js';
