#!/usr/bin/env python3
"""The recurrent recipe of bench/classify.mjs in PyTorch, to tell what the data allows from what
wordloom's trainer does: the same word table (the vectors' rows, plus a trained row for every
training word seen at least --min-count times that the vectors lack, and <UNK>), the same network
(bidirectional LSTM, max over the real time steps, dropout, a zero-initialised softmax layer), the
same optimisation (Adam, batch 32 of similar lengths, clipping at norm 5, the pretrained rows at a
tenth of the rate, the rate halved after an epoch without a better dev accuracy, early stop after
--patience such epochs, the best dev epoch's weights) and the same split (train, select on dev,
report test). Prints one JSON line.

  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/classify_torch.py --data ../shared/data/sentiment/sst2 \
      --vectors ../shared/data/embeddings/glove.6B.100d.top50k.txt.gz --seed 1 --threads 2
"""
import argparse
import gzip
import json
import math
import random
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

p = argparse.ArgumentParser()
p.add_argument('--data', required=True, help='folder with train.txt, dev.txt, test.txt (label text)')
p.add_argument('--vectors', required=True, help='GloVe text vectors (.gz too)')
p.add_argument('--units', type=int, default=128)
p.add_argument('--cell', choices=['lstm', 'gru'], default='lstm')
p.add_argument('--dropout', type=float, default=0.5)
p.add_argument('--lr', type=float, default=0.002)
p.add_argument('--embedding-lr-scale', type=float, default=0.1)
p.add_argument('--lr-decay', type=float, default=0.5)
p.add_argument('--batch', type=int, default=32)
p.add_argument('--epochs', type=int, default=12)
p.add_argument('--patience', type=int, default=4)
p.add_argument('--clip', type=float, default=5.0)
p.add_argument('--min-count', type=int, default=2)
p.add_argument('--seed', type=int, default=1)
p.add_argument('--threads', type=int, default=2)
args = p.parse_args()
torch.manual_seed(args.seed)
random.seed(args.seed)
torch.set_num_threads(args.threads)


def read(split):
    examples = []
    with open(f'{args.data}/{split}.txt', encoding='utf8') as f:
        for line in f:
            line = line.strip()
            if line:
                label, text = line.split(' ', 1)
                examples.append((int(label), text.split()))
    return examples


train, dev, test = read('train'), read('dev'), read('test')
opener = gzip.open if args.vectors.endswith('.gz') else open
pretrained = {}
with opener(args.vectors, 'rt', encoding='utf8') as f:
    for line in f:
        parts = line.rstrip().split(' ')
        pretrained.setdefault(parts[0], [float(x) for x in parts[1:]])
dim = len(next(iter(pretrained.values())))

# Ids: <PAD> 0, <UNK> 1, the pretrained rows, then the learned words.
counts = {}
for _, words in train:
    for w in words:
        if w not in pretrained:
            counts[w] = counts.get(w, 0) + 1
learned = [w for w, n in counts.items() if n >= args.min_count]
ids = {w: 2 + i for i, w in enumerate(pretrained)}
for i, w in enumerate(learned):
    ids[w] = 2 + len(pretrained) + i
pre = torch.tensor(list(pretrained.values()), dtype=torch.float32)
scale = math.sqrt(3 * float((pre * pre).mean()))


def encode(examples):
    return [(y, [ids.get(w, 1) for w in words] or [1]) for y, words in examples]


train_ids, dev_ids, test_ids = encode(train), encode(dev), encode(test)


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.own_front = nn.Parameter((torch.rand(2, dim) * 2 - 1) * scale)  # <PAD> (never read: masked) and <UNK>
        self.pretrained = nn.Parameter(pre.clone())
        self.learned = nn.Parameter((torch.rand(len(learned), dim) * 2 - 1) * scale)
        rnn = nn.LSTM if args.cell == 'lstm' else nn.GRU
        self.rnn = rnn(dim, args.units, batch_first=True, bidirectional=True)
        self.drop = nn.Dropout(args.dropout)
        self.out = nn.Linear(2 * args.units, 2)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, x, lengths):
        table = torch.cat([self.own_front, self.pretrained, self.learned])
        e = F.embedding(x, table)
        packed = pack_padded_sequence(e, lengths, batch_first=True, enforce_sorted=False)
        h, _ = pad_packed_sequence(self.rnn(packed)[0], batch_first=True, padding_value=-1e9)
        return self.out(self.drop(h.max(dim=1).values))


def batches(data, shuffle):
    order = list(range(len(data)))
    if not shuffle:
        yield from (order[i:i + 256] for i in range(0, len(order), 256))
        return
    random.shuffle(order)
    pool = args.batch * 50
    out = []
    for s in range(0, len(order), pool):
        part = sorted(order[s:s + pool], key=lambda i: (len(data[i][1]), i))
        out += [part[b:b + args.batch] for b in range(0, len(part), args.batch)]
    random.shuffle(out)
    yield from out


def tensors(data, rows):
    lengths = torch.tensor([len(data[i][1]) for i in rows])
    x = torch.zeros(len(rows), int(lengths.max()), dtype=torch.long)
    for r, i in enumerate(rows):
        x[r, :len(data[i][1])] = torch.tensor(data[i][1])
    return x, lengths, torch.tensor([data[i][0] for i in rows])


def accuracy(model, data):
    model.eval()
    correct = 0
    with torch.no_grad():
        for rows in batches(data, False):
            x, lengths, y = tensors(data, rows)
            correct += int((model(x, lengths).argmax(1) == y).sum())
    return correct / len(data)


model = Classifier()
others = [q for n, q in model.named_parameters() if n != 'pretrained']
optimizer = torch.optim.Adam([
    {'params': others, 'lr': args.lr, 'scale': 1.0},
    {'params': [model.pretrained], 'lr': args.lr * args.embedding_lr_scale, 'scale': args.embedding_lr_scale},
])
lr = args.lr
best, best_epoch, bad, best_state, epochs = -1.0, 0, 0, None, 0
start = time.perf_counter()
for epoch in range(1, args.epochs + 1):
    model.train()
    for rows in batches(train_ids, True):
        x, lengths, y = tensors(train_ids, rows)
        loss = F.cross_entropy(model(x, lengths), y)
        optimizer.zero_grad()
        loss.backward()
        if args.clip > 0:
            nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        optimizer.step()
    epochs = epoch
    dev_accuracy = accuracy(model, dev_ids)
    if dev_accuracy > best:
        best, best_epoch, bad = dev_accuracy, epoch, 0
        best_state = {k: v.clone() for k, v in model.state_dict().items()}
    else:
        bad += 1
        lr *= args.lr_decay
        for group in optimizer.param_groups:
            group['lr'] = lr * group['scale']
        if args.patience > 0 and bad >= args.patience:
            break
seconds = time.perf_counter() - start
model.load_state_dict(best_state)
print(json.dumps({'tool': f'PyTorch {torch.__version__}', 'seed': args.seed, 'dev': best, 'epoch': best_epoch, 'epochs': epochs,
                  'test': accuracy(model, test_ids), 'seconds': round(seconds, 1), 'learnedWords': len(learned)}))
