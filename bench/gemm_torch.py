#!/usr/bin/python3
# Matrix products in PyTorch (OpenBLAS), timed; child of bench/gemm.mjs.
#
#   OPENBLAS_NUM_THREADS=N /usr/bin/python3 bench/gemm_torch.py JSON
#
# JSON: {"shapes": [[rows, inputs, outputs], ...], "threads": N, "repeats": N}
# For each shape: y = x W, dX = dY W^T and dW = x^T dY, as a dense layer's forward and backward.
# Prints one JSON line: {"results": [{"forwardMs", "backwardMs"}, ...], "blas": "..."}.
import json
import sys
import time

cfg = json.loads(sys.argv[1])
import torch  # noqa: E402

from lib.blas import blas_library  # noqa: E402  (bench/lib, beside this script)

torch.set_num_threads(cfg['threads'])
torch.manual_seed(1)
results = []
for rows, inputs, outputs in cfg['shapes']:
    x = torch.rand(rows, inputs)
    w = torch.rand(inputs, outputs)
    dy = torch.rand(rows, outputs)

    def best(f):
        f()
        times = []
        for _ in range(cfg['repeats']):
            t = time.perf_counter()
            f()
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        return times[len(times) // 2]

    forward = best(lambda: torch.mm(x, w))
    backward = best(lambda: (torch.mm(dy, w.t()), torch.mm(x.t(), dy)))
    results.append({'forwardMs': forward, 'backwardMs': backward})
print(json.dumps({'results': results, 'blas': blas_library(), 'torch': torch.__version__}))
