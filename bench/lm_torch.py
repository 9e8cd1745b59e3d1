#!/usr/bin/python3
# The PyTorch reference of wordloom's language-model trainer (src/seq/lm); child of bench/lm.mjs.
#
#   OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/lm_torch.py CONFIG_JSON
#
# Reads the id streams bench/lm_wordloom.mjs prepared (train.i32, val.i32, vocab.json in dataDir)
# and trains the same model the same way:
#   model      nn.Embedding -> nn.LSTM (batch_first, num_layers) -> nn.Linear over every step
#   layout     the ids cut into `batch` contiguous streams (length (n - 1) // batch, targets shifted
#              by one), read in windows of seqLen (the last one shorter), the hidden state carried
#              and detached between windows and reset at every epoch
#   step       CrossEntropyLoss (mean over batch x time), backward, clip_grad_norm_(clip), Adam
#   epoch      validation (below), the learning rate times lrDecay when it did not improve, early
#              stop after `patience` such epochs, the best weights kept; maxSteps stops the run
#              (and validates) after that many windows in all
#   validation the validation ids laid out the same way in min(batch, n - 1) streams, read window
#              by window with the state carried: summed NLL / predicted positions (nats per token)
# init "same" starts from wordloom's very initial weights (init.f32 / init.json, written by
# bench/lm_wordloom.mjs), one bias per LSTM gate (bias_hh zero and frozen).
# init "match" gives PyTorch wordloom's initial distributions and parameters: embedding
# uniform in +-sqrt(3) (unit variance, as N(0, 1)), one bias per LSTM gate (bias_hh zero and
# frozen; bias_ih uniform in +-1/sqrt(units) as wordloom's single bias), Linear bias zero. init
# "default" keeps PyTorch's own (N(0, 1) embedding, two trainable LSTM biases, uniform Linear bias).
# Then samples as wordloom's generator does: feed <EOS>, then softmax(logits / T) with <PAD>,
# <UNK>, <BOS> suppressed, torch.multinomial with a seeded generator, stop at <EOS> (or emit it
# as eosText). Prints one JSON line.
import json
import math
import resource
import sys
import time

cfg = json.loads(sys.argv[1])

import numpy as np  # noqa: E402
import torch  # noqa: E402  (after argument parsing: a bad argument fails fast)
from torch import nn  # noqa: E402

from lib.blas import blas_library  # noqa: E402  (bench/lib, beside this script)

torch.manual_seed(cfg['seed'])
o = cfg['options']
PAD, UNK, BOS, EOS = 0, 1, 2, 3


def read_ids(name):
    return torch.from_numpy(np.fromfile(f"{cfg['dataDir']}/{name}", dtype='<i4').astype(np.int64))


train_ids = read_ids('train.i32')
val_ids = read_ids('val.i32') if cfg['valTokens'] > 0 else None
vocab = json.load(open(f"{cfg['dataDir']}/vocab.json"))
V = len(vocab)


class LanguageModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(V, o['embedding'])
        self.rnn = nn.LSTM(o['embedding'], o['units'], num_layers=o['layers'], batch_first=True)
        self.dense = nn.Linear(o['units'], V)
        if cfg['init'] == 'match':
            nn.init.uniform_(self.embedding.weight, -math.sqrt(3), math.sqrt(3))
            for name, p in self.rnn.named_parameters():
                if name.startswith('bias_hh'):
                    nn.init.zeros_(p)
                    p.requires_grad_(False)
            nn.init.zeros_(self.dense.bias)
        elif cfg['init'] == 'same':
            self.load_wordloom_weights()

    def load_wordloom_weights(self):
        # tfjs stores kernels as [inputs, outputs]; PyTorch as [outputs, inputs]. The LSTM gate
        # order is the same (i, f, c/g, o); tfjs has one bias per gate: bias_ih, bias_hh zero.
        manifest = json.load(open(f"{cfg['dataDir']}/init.json"))
        flat = np.fromfile(f"{cfg['dataDir']}/init.f32", dtype='<f4')
        weights = {}
        for m in manifest:
            n = int(np.prod(m['shape']))
            weights[m['name']] = torch.from_numpy(flat[m['offset']:m['offset'] + n].reshape(m['shape']).copy())
        names = list(weights)
        assert len(names) == 3 + 3 * o['layers'], names
        with torch.no_grad():
            self.embedding.weight.copy_(weights[names[0]])
            for layer in range(o['layers']):
                kernel, recurrent, bias = (weights[n] for n in names[1 + 3 * layer:4 + 3 * layer])
                getattr(self.rnn, f'weight_ih_l{layer}').copy_(kernel.T)
                getattr(self.rnn, f'weight_hh_l{layer}').copy_(recurrent.T)
                getattr(self.rnn, f'bias_ih_l{layer}').copy_(bias)
                getattr(self.rnn, f'bias_hh_l{layer}').zero_()
                getattr(self.rnn, f'bias_hh_l{layer}').requires_grad_(False)
            self.dense.weight.copy_(weights[names[-2]].T)
            self.dense.bias.copy_(weights[names[-1]])

    def forward(self, x, state):
        h, state = self.rnn(self.embedding(x), state)
        return self.dense(h), state  # logits [batch, time, V]: the Linear layer at every step


def batchify(ids, streams):
    length = (len(ids) - 1) // streams
    inputs = torch.stack([ids[b * length:(b + 1) * length] for b in range(streams)])
    targets = torch.stack([ids[b * length + 1:(b + 1) * length + 1] for b in range(streams)])
    return inputs, targets, length


def windows(length):
    return math.ceil(length / o['seqLen'])


def detach(state):
    return tuple(s.detach() for s in state)


model = LanguageModel()
params = [p for p in model.parameters() if p.requires_grad]
optimizer = torch.optim.Adam(params, lr=o['lr'], betas=(0.9, 0.999), eps=1e-8)
loss_fn = nn.CrossEntropyLoss()


def evaluate(ids):
    model.eval()
    streams = max(1, min(o['batch'], len(ids) - 1))
    inputs, targets, length = batchify(ids, streams)
    total = 0.0
    state = None
    with torch.no_grad():
        for w in range(windows(length)):
            s = slice(w * o['seqLen'], min(length, (w + 1) * o['seqLen']))
            logits, state = model(inputs[:, s], state)
            total += nn.functional.cross_entropy(logits.reshape(-1, V), targets[:, s].reshape(-1), reduction='sum').item()
    model.train()
    loss = total / (streams * length)
    return {'loss': loss, 'perplexity': math.exp(loss), 'bitsPerChar': loss / math.log(2) if o['level'] == 'char' else None, 'tokens': streams * length}


inputs, targets, length = batchify(train_ids, o['batch'])


def choose_threads():
    # 'auto': 3 timed steps (after one warm-up) of a throwaway model at 2 threads and at 1, on the
    # first window; the faster wins. On a busy 2-core machine 2 threads can be 10x slower than 1.
    rng = torch.get_rng_state()
    probe = LanguageModel()
    popt = torch.optim.Adam([p for p in probe.parameters() if p.requires_grad], lr=o['lr'])
    x, y = inputs[:, :o['seqLen']], targets[:, :o['seqLen']]
    timings = {}
    for t in (2, 1):
        torch.set_num_threads(t)
        times = []
        for i in range(4):
            ts = time.perf_counter()
            popt.zero_grad(set_to_none=True)
            logits, _ = probe(x, None)
            loss_fn(logits.reshape(-1, V), y.reshape(-1)).backward()
            popt.step()
            if i > 0:
                times.append((time.perf_counter() - ts) * 1000)
        timings[t] = sorted(times)[1]
    torch.set_rng_state(rng)
    return min(timings, key=timings.get), timings


probe_ms = None
if cfg['threads'] == 'auto':
    threads, probe_ms = choose_threads()
else:
    threads = int(cfg['threads'])
torch.set_num_threads(threads)
n_windows = windows(length)
max_steps = o.get('maxSteps', 0)
lr = o['lr']
best, best_state, bad_epochs = None, None, 0
epochs, losses, ms = [], [], []
step_tokens = 0
val_seconds = 0.0
stopped = 'epochs'
step = 0
t0 = time.perf_counter()
for epoch in range(o['epochs']):
    state = None
    loss_sum, epoch_steps = 0.0, 0
    for w in range(n_windows):
        ts = time.perf_counter()
        s = slice(w * o['seqLen'], min(length, (w + 1) * o['seqLen']))
        x, y = inputs[:, s], targets[:, s]
        optimizer.zero_grad(set_to_none=True)
        logits, state = model(x, state)
        loss = loss_fn(logits.reshape(-1, V), y.reshape(-1))
        loss.backward()
        if o['clip'] > 0:
            torch.nn.utils.clip_grad_norm_(params, o['clip'])
        optimizer.step()
        state = detach(state)
        value = loss.item()
        ms.append((time.perf_counter() - ts) * 1000)
        step_tokens += x.numel()
        losses.append(value)
        loss_sum += value
        epoch_steps += 1
        step += 1
        if max_steps > 0 and step >= max_steps:
            stopped = 'max-steps'
            break
    tv = time.perf_counter()
    validation = evaluate(val_ids) if val_ids is not None else None
    seconds = time.perf_counter() - tv
    val_seconds += seconds
    improved = validation is None or best is None or validation['loss'] < best['loss']
    epoch_lr = lr
    if validation is not None:
        if improved:
            best, bad_epochs = validation, 0
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
        else:
            bad_epochs += 1
            if o['lrDecay'] < 1:
                lr *= o['lrDecay']
                for g in optimizer.param_groups:
                    g['lr'] = lr
    epochs.append({'epoch': epoch + 1, 'step': step, 'trainLoss': loss_sum / max(1, epoch_steps), 'validation': validation, 'improved': improved, 'learningRate': epoch_lr, 'valSeconds': seconds})
    if stopped == 'max-steps':
        break
    if validation is not None and o['patience'] > 0 and bad_epochs >= o['patience']:
        stopped = 'early-stop'
        break
if best_state is not None and epochs and not epochs[-1]['improved']:
    model.load_state_dict(best_state)
train_seconds = time.perf_counter() - t0


def sample(options):
    count, max_length, temperature = options['count'], options['maxLength'], options['temperature']
    stop_at_eos = options.get('stopAtEos', True)
    eos_text = options.get('eosText', '\n')
    g = torch.Generator().manual_seed(options['seed'])
    model.eval()
    texts = [[] for _ in range(count)]
    ended = [False] * count
    with torch.no_grad():
        x = torch.full((count, 1), EOS, dtype=torch.long)
        state = None
        for _ in range(max_length):
            logits, state = model(x, state)
            logits = logits[:, -1, :].clone()
            logits[:, [PAD, UNK, BOS]] = -math.inf
            if temperature == 0:
                ids = logits.argmax(dim=1)
            else:
                ids = torch.multinomial(torch.softmax(logits / temperature, dim=1), 1, generator=g).squeeze(1)
            for r, i in enumerate(ids.tolist()):
                if ended[r]:
                    continue
                if i == EOS and stop_at_eos:
                    ended[r] = True
                else:
                    texts[r].append(eos_text if i == EOS else vocab[i])
            if all(ended):
                break
            x = ids.unsqueeze(1)
    return [('' if o['level'] == 'char' else ' ').join(tokens) for tokens in texts]


tg = time.perf_counter()
samples = [{**s, 'texts': sample({**s['options'], 'count': s['options'].get('count', 1)})} for s in cfg.get('samples', [])]
sample_seconds = time.perf_counter() - tg


last = epochs[-1] if epochs else None
print(json.dumps({
    'tool': 'torch',
    'params': sum(p.numel() for p in params),
    'steps': step,
    'stopped': stopped,
    'epochs': epochs,
    'losses': losses,
    'ms': ms,
    'trainSeconds': train_seconds,
    'valSeconds': val_seconds,
    'stepSeconds': sum(ms) / 1000,
    'stepTokens': step_tokens,
    'finalValidation': last['validation'] if last else None,
    'bestValidation': best,
    'samples': samples,
    'sampleSeconds': sample_seconds,
    'maxRSSKB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    'threads': torch.get_num_threads(),
    'threadProbeMs': probe_ms,
    'init': cfg['init'],
    'version': torch.__version__,
    'blas': blas_library(),
}))
