"""The dates seq2seq model of bench/seq2seq.mjs in PyTorch 1.13, the same shapes and schedule.

Encoder: Embedding(E) + LSTM(U) over the source (+ <EOS>), packed so its final state is that of the
last real token; decoder: Embedding(E) + LSTM(U) over <BOS> y1..yn from the encoder's final state;
Luong dot attention over all decoder steps at once, padding masked; tanh(Linear([context; s]))
then Linear to the target vocabulary. Adam, gradient clipping by global norm, masked mean
cross-entropy per target token, shuffled batches, greedy batched decoding.

  python3 bench/seq2seq_torch.py '{"train": path, "test": path, "epochs": 2, "batch": 128, ...}'
prints one JSON line: seconds per epoch, exact match, decoding strings/s.
"""
import json
import random
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

args = json.loads(sys.argv[1])
torch.set_num_threads(args.get("threads", 2))
torch.manual_seed(args.get("seed", 1))
random.seed(args.get("seed", 1))
PAD, UNK, BOS, EOS = 0, 1, 2, 3


def read(path):
    with open(path, encoding="utf-8") as f:
        return [tuple(line.rstrip("\n").split("\t")) for line in f if line.strip()]


train, test = read(args["train"]), read(args["test"])


def vocab(texts):
    chars = sorted({c for t in texts for c in t})
    return {c: i + 4 for i, c in enumerate(chars)}


src_vocab, tgt_vocab = vocab(s for s, _ in train), vocab(t for _, t in train)
tgt_words = {i: c for c, i in tgt_vocab.items()}
E, U = args["embedding"], args["units"]


def encode_src(s):
    return [src_vocab.get(c, UNK) for c in s] + [EOS]


def encode_tgt(t):
    return [tgt_vocab.get(c, UNK) for c in t]


class Seq2seq(nn.Module):
    def __init__(self):
        super().__init__()
        self.src_emb = nn.Embedding(len(src_vocab) + 4, E, padding_idx=PAD)
        self.encoder = nn.LSTM(E, U, batch_first=True)
        self.tgt_emb = nn.Embedding(len(tgt_vocab) + 4, E)
        self.decoder = nn.LSTM(E, U, batch_first=True)
        self.combine = nn.Linear(2 * U, U)
        self.out = nn.Linear(U, len(tgt_vocab) + 4)

    def encode(self, src, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(self.src_emb(src), lengths, batch_first=True, enforce_sorted=False)
        memory, state = self.encoder(packed)
        memory, _ = nn.utils.rnn.pad_packed_sequence(memory, batch_first=True, total_length=src.shape[1])
        return memory, state

    def decode(self, prev, state, memory, mask):
        s, state = self.decoder(self.tgt_emb(prev), state)
        scores = torch.bmm(s, memory.transpose(1, 2)).masked_fill(mask.unsqueeze(1), -1e9)
        weights = torch.softmax(scores, dim=-1)
        context = torch.bmm(weights, memory)
        return self.out(torch.tanh(self.combine(torch.cat([context, s], dim=-1)))), state


def pad(rows):
    n = max(len(r) for r in rows)
    return torch.tensor([r + [PAD] * (n - len(r)) for r in rows], dtype=torch.long)


model = Seq2seq()
optimizer = torch.optim.Adam(model.parameters(), lr=args["lr"])
data = [(encode_src(s), encode_tgt(t)) for s, t in train]
epoch_seconds = []
for epoch in range(args["epochs"]):
    random.shuffle(data)
    start = time.perf_counter()
    losses = []
    for i in range(0, len(data), args["batch"]):
        part = data[i : i + args["batch"]]
        src = pad([p[0] for p in part])
        lengths = torch.tensor([len(p[0]) for p in part])
        tin = pad([[BOS] + p[1] for p in part])
        tout = pad([p[1] + [EOS] for p in part])
        memory, state = model.encode(src, lengths)
        logits, _ = model.decode(tin, state, memory, src == PAD)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tout.reshape(-1), ignore_index=PAD)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), args["clip"])
        optimizer.step()
        losses.append(loss.item())
    epoch_seconds.append(time.perf_counter() - start)
    print(json.dumps({"epoch": epoch + 1, "seconds": epoch_seconds[-1], "trainLoss": sum(losses) / len(losses)}), file=sys.stderr, flush=True)


@torch.no_grad()
def greedy(sources, max_length):
    src = pad([encode_src(s) for s in sources])
    lengths = torch.tensor([len(encode_src(s)) for s in sources])
    memory, state = model.encode(src, lengths)
    mask = src == PAD
    prev = torch.full((len(sources), 1), BOS, dtype=torch.long)
    outs = [[] for _ in sources]
    done = [False] * len(sources)
    for _ in range(max_length):
        logits, state = model.decode(prev, state, memory, mask)
        prev = logits.argmax(-1)
        for b, tok in enumerate(prev[:, 0].tolist()):
            if done[b]:
                continue
            if tok == EOS:
                done[b] = True
            else:
                outs[b].append(tgt_words.get(tok, "?"))
        if all(done):
            break
    return ["".join(o) for o in outs]


model.eval()
start = time.perf_counter()
right = 0
for i in range(0, len(test), 256):
    part = test[i : i + 256]
    for (s, t), o in zip(part, greedy([s for s, _ in part], 30)):
        right += o == t
decode_seconds = time.perf_counter() - start
start = time.perf_counter()
for s, _ in test[:50]:
    greedy([s], 30)
one_ms = (time.perf_counter() - start) / min(50, len(test)) * 1000
params = sum(p.numel() for p in model.parameters())
print(json.dumps({"epochSeconds": epoch_seconds, "exactMatch": right / len(test), "decodePerSecond": len(test) / decode_seconds, "oneStringMs": one_ms, "parameters": params, "threads": torch.get_num_threads()}))
