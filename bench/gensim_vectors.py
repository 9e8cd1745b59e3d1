"""Reference numbers from gensim for bench/vectors.mjs, printed as one JSON object.

usage: gensim_vectors.py <vectors.txt.gz> <vectors.txt> <eval dir> <query words file> <repeats>
Loads GloVe text (no header) both compressed and plain, times most_similar on the given words,
and runs evaluate_word_analogies (restrict_vocab=30000) and evaluate_word_pairs (defaults).
"""
import json
import logging
import sys
import time

from gensim.models import KeyedVectors

logging.disable(logging.CRITICAL)


def best_of(repeats, fn):
    best = float('inf')
    result = None
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def main():
    gz_path, plain_path, eval_dir, words_path, repeats = sys.argv[1:6]
    repeats = int(repeats)
    out = {'gensim': __import__('gensim').__version__}
    out['load_gz_s'], kv = best_of(repeats, lambda: KeyedVectors.load_word2vec_format(gz_path, no_header=True))
    out['load_plain_s'], kv = best_of(repeats, lambda: KeyedVectors.load_word2vec_format(plain_path, no_header=True))
    kv.fill_norms()
    with open(words_path, encoding='utf8') as f:
        words = [w for w in f.read().split('\n') if w]
    kv.most_similar(words[0], topn=10)
    seconds, _ = best_of(repeats, lambda: [kv.most_similar(w, topn=10) for w in words])
    out['query_ms'] = seconds / len(words) * 1000
    out['neighbors'] = {w: [x[0] for x in kv.most_similar(w, topn=10)] for w in words[:20]}

    started = time.perf_counter()
    _, sections = kv.evaluate_word_analogies(eval_dir + '/questions-words.txt', restrict_vocab=30000)
    out['analogy_s'] = time.perf_counter() - started
    def count(secs):
        correct = sum(len(s['correct']) for s in secs)
        answered = correct + sum(len(s['incorrect']) for s in secs)
        return {'correct': correct, 'answered': answered, 'accuracy': correct / answered if answered else None}
    body = sections[:-1]
    out['analogy'] = {
        'total': count(body),
        'semantic': count([s for s in body if not s['section'].startswith('gram')]),
        'syntactic': count([s for s in body if s['section'].startswith('gram')]),
    }
    for name in ('wordsim353', 'simlex999'):
        pearson, spearman, oov = kv.evaluate_word_pairs(eval_dir + '/' + name + '.txt')
        out[name] = {'spearman': float(spearman[0]), 'pearson': float(pearson[0]), 'oov_percent': oov}
    print(json.dumps(out))


if __name__ == '__main__':
    main()
