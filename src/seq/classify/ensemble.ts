/**
 * An ensemble of recurrent classifiers trained apart (other seeds or settings, on the same data
 * and vectors) as ONE classifier: one plain tfjs layers model whose members read the same word ids
 * and whose output is the mean of their class probabilities (recurrent.ts buildRecurrentEnsemble),
 * so it loads with tf.loadLayersModel and runs in a browser like a single model. The members must
 * read text the same way: the same vocabulary (ids), classes, tokenizer, case and unknown words.
 */
import { WordloomError } from '../../errors.js';
import { Classifier } from './classifier.js';
import type { ClassifierConfig } from './config.js';
import { buildRecurrentEnsemble, memberPrefix, type RecurrentArchitecture } from './recurrent.js';

/** The members' networks copied into one model; `sources` names each member (its folder) in the config and messages. */
export function ensembleClassifiers(members: readonly Classifier[], sources: readonly string[]): Classifier {
  if (members.length < 2) throw new WordloomError('EOPTION', `an ensemble needs at least 2 classifiers (got ${members.length})`);
  const first = members[0]!;
  const archs: RecurrentArchitecture[] = [];
  members.forEach((member, m) => {
    const c = member.config;
    const name = sources[m] ?? `member ${m + 1}`;
    if (c.recurrent === null || c.averaged !== null || c.ensemble) {
      throw new WordloomError('EOPTION', `${name} is ${c.ensemble ? 'an ensemble already' : `an ${c.model} classifier`}; an ensemble is made of single recurrent (rnn) classifiers`);
    }
    const differs = (['labels', 'tokenizer', 'lowercase', 'unknown'] as const).filter((k) => JSON.stringify(c[k] ?? null) !== JSON.stringify(first.config[k] ?? null));
    if (differs.length > 0 || !sameWords(member, first)) {
      throw new WordloomError(
        'EOPTION',
        `${name} reads text differently from ${sources[0] ?? 'the first member'} (${[...differs, ...(sameWords(member, first) ? [] : ['vocabulary'])].join(', ')}); ` +
          'ensemble classifiers trained on the same data and vectors with the same --unknown, --min-count, --max-vectors, --tokenizer and --lowercase',
      );
    }
    archs.push(c.recurrent);
  });
  const model = buildRecurrentEnsemble(archs);
  members.forEach((member, m) => {
    for (const layer of member.model.layers) {
      if (layer.weights.length > 0) model.getLayer(`${memberPrefix(m)}${layer.name}`).setWeights(layer.getWeights());
    }
  });
  const config: ClassifierConfig = {
    ...first.config,
    recurrent: archs[0]!,
    ensemble: { members: archs, sources: [...sources], validation: members.map((c) => c.config.validation) },
    training: null,
    validation: null,
  };
  delete config.autotune;
  return new Classifier(model, first.vocabulary, config, null);
}

function sameWords(a: Classifier, b: Classifier): boolean {
  if (a.vocabulary.size !== b.vocabulary.size) return false;
  const x = a.vocabulary.wordList();
  const y = b.vocabulary.wordList();
  return x.every((w, i) => w === y[i]);
}
