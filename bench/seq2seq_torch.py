"""The seq2seq model of bench/seq2seq.mjs in PyTorch 1.13, the same shapes and schedule.

Encoder: Embedding(E) + LSTM(U) over the source (+ <EOS>), packed so its final state is that of the
last real token; decoder: Embedding(E) + LSTM(U) over <BOS> y1..yn from the encoder's final state;
Luong dot attention over all decoder steps at once, padding masked; tanh(Linear([context; s]))
then Linear to the target vocabulary. Adam, gradient clipping by global norm, masked mean
cross-entropy per target token, shuffled batches, greedy batched decoding.

  python3 bench/seq2seq_torch.py '{"train": path, "test": path, "epochs": 2, "batch": 128, ...}'
prints one JSON line: seconds per epoch, exact match, decoding strings/s (the dates task).
With "level": "word" tokens are the space-separated words (else characters), and with
"sources": path (one source a line) it prints instead the greedy and beam-search ("beam": K)
translations of those sources, up to "maxLength" tokens, for the caller to score. The beam
search is wordloom's (src/seq/seq2seq/decode.ts): each live hypothesis proposes its K + 1 best
tokens, the K best that do not end live on, those ending in <EOS> are set aside until K have
ended, and the answer is the ended one with the best log-probability / length (<EOS> counted).
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


WORDS = args.get("level", "char") == "word"
train = read(args["train"])
test = read(args["test"]) if "test" in args else []


def tokens(text):
    return text.split(" ") if WORDS else list(text)


def vocab(texts):
    chars = sorted({c for t in texts for c in tokens(t)})
    return {c: i + 4 for i, c in enumerate(chars)}


src_vocab, tgt_vocab = vocab(s for s, _ in train), vocab(t for _, t in train)
tgt_words = {i: c for c, i in tgt_vocab.items()}
tgt_words.update({PAD: "<PAD>", UNK: "<UNK>", BOS: "<BOS>"})
JOIN = " " if WORDS else ""
E, U = args["embedding"], args["units"]


def encode_src(s):
    return [src_vocab.get(c, UNK) for c in tokens(s)] + [EOS]


def encode_tgt(t):
    return [tgt_vocab.get(c, UNK) for c in tokens(t)]


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
train_losses = []
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
    train_losses.append(sum(losses) / len(losses))
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
    return [JOIN.join(o) for o in outs]


@torch.no_grad()
def beam_search(source, K, max_length, length_penalty=1.0):
    ids = encode_src(source)
    src = torch.tensor([ids], dtype=torch.long)
    memory, state = model.encode(src, torch.tensor([len(ids)]))
    mask = src == PAD
    live = [([], 0.0)]
    ended = []
    prev = torch.full((1, 1), BOS, dtype=torch.long)
    for _ in range(max_length):
        n = len(live)
        logits, state = model.decode(prev, state, memory.expand(n, -1, -1), mask.expand(n, -1))
        top_lp, top_id = torch.log_softmax(logits[:, 0], dim=-1).topk(K + 1, dim=-1)
        candidates = [(lp + top_lp[r, j].item(), r, top_id[r, j].item()) for r, (_, lp) in enumerate(live) for j in range(K + 1)]
        candidates.sort(key=lambda c: -c[0])  # stable, as wordloom's
        nxt, parents = [], []
        for lp, r, tok in candidates:
            if len(nxt) == K:
                break
            if tok == EOS:
                ended.append((live[r][0], lp, True))
                if len(ended) >= K:
                    break
                continue
            nxt.append((live[r][0] + [tok], lp))
            parents.append(r)
        if len(ended) >= K or not nxt:
            break
        index = torch.tensor(parents)
        state = tuple(x[:, index] for x in state)
        prev = torch.tensor([[ids_[-1]] for ids_, _ in nxt], dtype=torch.long)
        live = nxt
    pool = ended if ended else [(h, lp, False) for h, lp in live]
    score = lambda h: h[1] if length_penalty == 0 else h[1] / max(1, len(h[0]) + (1 if h[2] else 0)) ** length_penalty
    best = pool[0]
    for h in pool:
        if score(h) > score(best):
            best = h
    return JOIN.join(tgt_words.get(t, "?") for t in best[0])


model.eval()
if "sources" in args:
    with open(args["sources"], encoding="utf-8") as f:
        sources = [line.rstrip("\n") for line in f if line.strip()]
    start = time.perf_counter()
    greedy_out = []
    for i in range(0, len(sources), 256):
        greedy_out += greedy(sources[i : i + 256], args["maxLength"])
    greedy_seconds = time.perf_counter() - start
    start = time.perf_counter()
    beam_out = [beam_search(s, args["beam"], args["maxLength"]) for s in sources]
    beam_seconds = time.perf_counter() - start
    params = sum(p.numel() for p in model.parameters())
    print(json.dumps({"epochSeconds": epoch_seconds, "trainLosses": train_losses, "greedy": greedy_out, "beam": beam_out, "greedySeconds": greedy_seconds, "beamSeconds": beam_seconds, "parameters": params, "threads": torch.get_num_threads()}))
    sys.exit(0)
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
