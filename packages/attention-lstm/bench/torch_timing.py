"""PyTorch eager timing of the reference model, spawned by bench/index.ts.

Loads bench/reference/weights.bin into the reference module, runs the same input single-threaded
under torch.no_grad() and prints one JSON line: p50/p99 latency in microseconds and the output.
"""
import json
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "test", "fixtures"))
sys.path.insert(0, HERE)
from make_reference import T, build  # noqa: E402


def main():
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    samples = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    ref = os.path.join(HERE, "reference")
    meta = json.load(open(os.path.join(ref, "weights.json")))
    flat = np.fromfile(os.path.join(ref, "weights.bin"), dtype="<f4")
    m = build()
    sd = {}
    for t in meta["tensors"]:
        n = int(np.prod(t["shape"])) if t["shape"] else 1
        sd[t["name"]] = torch.from_numpy(flat[t["offset"]:t["offset"] + n].reshape(t["shape"]).copy())
    m.load_state_dict(sd)
    x = torch.from_numpy(np.fromfile(os.path.join(ref, "input.bin"), dtype="<f4").reshape(1, T, 32))
    times = []
    with torch.no_grad():
        for _ in range(50):
            y = m(x)
        for _ in range(samples):
            s = time.perf_counter_ns()
            y = m(x)
            times.append((time.perf_counter_ns() - s) / 1000)
    times.sort()
    p = lambda q: times[min(len(times) - 1, max(0, int(np.ceil(q * len(times))) - 1))]
    # Training throughput on the same config: batch 16, Adam, clip_grad_norm_(1), MSE.
    m.train()
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    g = torch.Generator().manual_seed(1)
    xb = torch.randn(16, T, 32, generator=g)
    yb = torch.randn(16, 1, generator=g)
    def step():
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(m(xb), yb)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0)
        opt.step()
    for _ in range(2):
        step()
    n = 6
    s = time.perf_counter()
    for _ in range(n):
        step()
    seq_per_s = n * 16 / (time.perf_counter() - s)
    print(json.dumps({"torch": torch.__version__, "p50Us": p(0.5), "p99Us": p(0.99),
                      "output": y.numpy().ravel().tolist(), "trainSeqPerS": seq_per_s}))


if __name__ == "__main__":
    main()
