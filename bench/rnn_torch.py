#!/usr/bin/python3
# One recurrent training step in PyTorch (forward, backward, Adam), timed; child of bench/rnn.mjs.
#
#   OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/rnn_torch.py CONFIG_JSON
#
# CONFIG_JSON: {"vocab", "embed", "cell": "lstm"|"gru"|"rnn", "units", "layers", "outputs", "batch",
#               "steps", "warmup", "timed", "threads", "seed"}
# Prints one JSON line: ms of every timed step, parameter count, losses, peak RSS (KB), versions.
import json
import resource
import sys
import time

cfg = json.loads(sys.argv[1])

import torch  # noqa: E402  (after argument parsing: a bad argument fails fast)
from torch import nn  # noqa: E402

from lib.blas import blas_library  # noqa: E402  (bench/lib, beside this script)

torch.set_num_threads(cfg['threads'])
torch.manual_seed(cfg['seed'])

CELLS = {'lstm': nn.LSTM, 'gru': nn.GRU, 'rnn': nn.RNN}


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(cfg['vocab'], cfg['embed'])
        extra = {'nonlinearity': 'tanh'} if cfg['cell'] == 'rnn' else {}
        self.rnn = CELLS[cfg['cell']](cfg['embed'], cfg['units'], num_layers=cfg['layers'], batch_first=True, **extra)
        self.dense = nn.Linear(cfg['units'], cfg['outputs'])

    def forward(self, x):
        h, _ = self.rnn(self.embedding(x))
        return self.dense(h)  # [batch, steps, outputs]: the dense layer at every time step


model = Model()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
loss_fn = nn.CrossEntropyLoss()  # mean over all batch x steps positions
g = torch.Generator().manual_seed(cfg['seed'])
x = torch.randint(0, cfg['vocab'], (cfg['batch'], cfg['steps']), generator=g)
y = torch.randint(0, cfg['outputs'], (cfg['batch'], cfg['steps']), generator=g)


def step():
    optimizer.zero_grad(set_to_none=True)
    logits = model(x)
    loss = loss_fn(logits.reshape(-1, cfg['outputs']), y.reshape(-1))
    loss.backward()
    optimizer.step()
    return loss.item()


losses = []
for _ in range(cfg['warmup']):
    losses.append(step())
ms = []
for _ in range(cfg['timed']):
    t0 = time.perf_counter()
    losses.append(step())
    ms.append((time.perf_counter() - t0) * 1000)


print(json.dumps({
    'ms': ms,
    'params': sum(p.numel() for p in model.parameters()),
    'firstLoss': losses[0],
    'lastLoss': losses[-1],
    'maxRSSKB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    'threads': torch.get_num_threads(),
    'version': torch.__version__,
    'blas': blas_library(),
}))
