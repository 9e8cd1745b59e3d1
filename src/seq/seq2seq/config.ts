/**
 * seq2seq.json: what a saved seq2seq folder is and how to feed it: how text becomes tokens, the
 * architecture (which attention, whether the decoder is stepped), the longest training target
 * (the default decoding limit derives from it), how it was trained and how well it did.
 */
import type { TokenizerName } from '../../text/tokenizer.js';
import type { LanguageModelLevel } from '../lm/options.js';
import type { Seq2seqArchitecture } from './network.js';
import type { Seq2seqRecordedSettings } from './options.js';
import type { Seq2seqEpochReport, Seq2seqEvaluation } from './progress.js';

export const SEQ2SEQ_FORMAT = 'wordloom-seq2seq';
export const SEQ2SEQ_FORMAT_VERSION = 1;

export interface Seq2seqTrainingRecord {
  settings: Seq2seqRecordedSettings;
  stopped: 'epochs' | 'early-stop' | 'max-steps';
  steps: number;
  epochs: number;
  trainPairs: number;
  valPairs: number;
  seconds: number;
  history: Seq2seqEpochReport[];
  bestEpoch: number | null;
}

export interface Seq2seqConfig {
  format: typeof SEQ2SEQ_FORMAT;
  version: typeof SEQ2SEQ_FORMAT_VERSION;
  level: LanguageModelLevel;
  tokenizer: TokenizerName;
  lowercase: boolean;
  architecture: Seq2seqArchitecture;
  /** Longest target (tokens, without `<EOS>`) among the training pairs. */
  maxTargetLength: number;
  training: Seq2seqTrainingRecord | null;
  validation: Seq2seqEvaluation | null;
}
