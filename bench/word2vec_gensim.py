"""Trains gensim Word2Vec for bench/word2vec.mjs: python3 word2vec_gensim.py CORPUS OUT.vec SG EPOCHS THREADS ALPHA [SEED]"""
import json
import sys
import time

from gensim.models import Word2Vec

corpus, out, sg, epochs, threads, alpha = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
seed = int(sys.argv[7]) if len(sys.argv) > 7 else 1
start = time.time()
model = Word2Vec(
    corpus_file=corpus, vector_size=100, window=5, negative=5, hs=0, sample=1e-4, min_count=5,
    epochs=epochs, workers=threads, sg=sg, alpha=alpha, min_alpha=alpha * 1e-4, seed=seed,
)
trained = time.time() - start
model.wv.save_word2vec_format(out)
print(json.dumps({"trainSeconds": trained, "words": len(model.wv)}))
