/**
 * GloVe's checkpoint: the recorded settings, the vocabulary, how many iterations are done and the
 * weights with their AdaGrad sums (the shared checkpoint file: a JSON header and raw arrays).
 * Saved after every iteration and on Ctrl-C; an interrupted iteration is run again on resume.
 */
import { WordloomError } from '../../errors.js';
import { Vocabulary } from '../../text/vocabulary.js';
import { loadCheckpoint, saveCheckpoint } from '../shared/checkpoint.js';
import { GLOVE_RECORDED_OPTIONS, type GloveOptions, type GloveRecordedOptions } from './options.js';

const KIND = 'wordloom-glove';
const VERSION = 1;

interface Header {
  kind: string;
  version: number;
  options: GloveRecordedOptions;
  vocabulary: { words: string[]; counts: number[] };
  records: number;
  iterationsDone: number;
  costs: number[];
}

export interface GloveCheckpoint {
  options: GloveRecordedOptions;
  vocabulary: Vocabulary;
  records: number;
  iterationsDone: number;
  costs: number[];
  weights: Float32Array;
  gradsq: Float32Array;
}

export async function saveGloveCheckpoint(
  path: string,
  state: { options: GloveOptions; vocabulary: Vocabulary; records: number; iterationsDone: number; costs: number[]; weights: Float32Array; gradsq: Float32Array },
): Promise<void> {
  const header: Header = {
    kind: KIND,
    version: VERSION,
    options: Object.fromEntries(GLOVE_RECORDED_OPTIONS.map((k) => [k, state.options[k]])) as GloveRecordedOptions,
    vocabulary: { words: state.vocabulary.wordList(), counts: Array.from(state.vocabulary.counts) },
    records: state.records,
    iterationsDone: state.iterationsDone,
    costs: state.costs,
  };
  await saveCheckpoint(path, header as unknown as Record<string, unknown>, { weights: state.weights, gradsq: state.gradsq });
}

export async function loadGloveCheckpoint(path: string): Promise<GloveCheckpoint> {
  const { header, arrays } = await loadCheckpoint<Header>(path);
  const damaged = (why: string) => new WordloomError('EFORMAT', `${path}: GloVe checkpoint is damaged (${why}); delete it and train again`);
  if (header.kind !== KIND) throw new WordloomError('EFORMAT', `${path} is a ${String(header.kind)} checkpoint, not a GloVe one`);
  if (header.version !== VERSION) throw damaged(`version ${String(header.version)}, expected ${VERSION}`);
  for (const key of GLOVE_RECORDED_OPTIONS) if (!(key in (header.options ?? {}))) throw damaged(`option ${key} missing`);
  const { words, counts } = header.vocabulary ?? {};
  if (!Array.isArray(words) || !Array.isArray(counts) || words.length !== counts.length) throw damaged('vocabulary');
  if (!Number.isSafeInteger(header.records) || !Number.isSafeInteger(header.iterationsDone) || !Array.isArray(header.costs)) throw damaged('progress');
  const vocabulary = Vocabulary.fromList(words, counts, path);
  const size = 2 * (vocabulary.size - Vocabulary.FIRST_WORD) * (header.options.dim + 1);
  const weights = arrays.weights;
  const gradsq = arrays.gradsq;
  if (!(weights instanceof Float32Array) || !(gradsq instanceof Float32Array) || weights.length !== size || gradsq.length !== size) {
    throw damaged(`weights of ${size} floats expected`);
  }
  return { options: header.options, vocabulary, records: header.records, iterationsDone: header.iterationsDone, costs: header.costs, weights, gradsq };
}
