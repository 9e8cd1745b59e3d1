"""The common judge for bench/word2vec.mjs: gensim's evaluators on a word2vec text file.
python3 word2vec_eval.py VECTORS QUESTIONS WORDSIM353 SIMLEX999 -> one JSON line."""
import json
import logging
import sys

from gensim.models import KeyedVectors

logging.disable(logging.CRITICAL)
path, questions, ws353, simlex = sys.argv[1:5]
kv = KeyedVectors.load_word2vec_format(path, binary=path.endswith(".bin"))
score, sections = kv.evaluate_word_analogies(questions, restrict_vocab=30000, case_insensitive=True)


def count(selected):
    correct = sum(len(s["correct"]) for s in selected)
    answered = correct + sum(len(s["incorrect"]) for s in selected)
    return {"correct": correct, "answered": answered, "accuracy": correct / answered if answered else float("nan")}


parts = [s for s in sections if s["section"] != "Total accuracy"]
semantic = count([s for s in parts if not s["section"].startswith("gram")])
syntactic = count([s for s in parts if s["section"].startswith("gram")])
total = count(parts)


def pairs(file):
    pearson, spearman, oov = kv.evaluate_word_pairs(file, restrict_vocab=300000, case_insensitive=True)
    return {"spearman": float(spearman[0]), "oov": oov}


print(json.dumps({"words": len(kv), "total": total, "semantic": semantic, "syntactic": syntactic,
                  "ws353": pairs(ws353), "simlex": pairs(simlex)}))
