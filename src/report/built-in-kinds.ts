/**
 * The kinds wordloom knows today, registered once on import. New kinds add a line here, or call registerModelKind from their own module; see model-kinds.ts.
 */
import { classifierKind } from './classifier-kind.js';
import { languageModelKind } from './lm-kind.js';
import { registerModelKind, modelKinds } from './model-kinds.js';
import { seq2seqKind } from './seq2seq-kind.js';
import { vectorsKind } from './vectors-kind.js';

if (modelKinds().length === 0) {
  registerModelKind(vectorsKind); // tried last: any file that reads as vectors
  registerModelKind(languageModelKind);
  registerModelKind(seq2seqKind);
  registerModelKind(classifierKind);
}
