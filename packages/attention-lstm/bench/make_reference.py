"""Builds the benchmark's reference model with PyTorch 1.13 and exports it to ONNX.

Reference config (issue 6): input 32 features, hidden 64, 2 LSTM layers, 8 heads, 100 steps,
batch 1; causal attention over the last 100 steps, last-step pooling, one output.

Run once with Debian's python from the package folder:
    /usr/bin/python3 bench/make_reference.py
Writes bench/reference/{model.onnx, weights.bin, weights.json, input.bin, output.bin}: the
state_dict as little-endian float32 (weights.json indexes names, shapes and offsets), the
benchmark input and PyTorch's output on it. The bench itself needs no Python.
"""
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "test", "fixtures"))
from reference_model import AttentionLstmRef  # noqa: E402

CONFIG = dict(inputSize=32, hiddenSize=64, numLayers=2, numHeads=8, outputSize=1, causal=True,
              attentionWindow=100, pooling="last", positionalEncoding="sinusoidal", maxLength=512)
T = 100


def build():
    torch.manual_seed(2026)
    m = AttentionLstmRef(32, 64, 2, 8, 1, causal=True, pooling="last", positional="sinusoidal",
                         window=100, max_len=512)
    return m.eval()


def main():
    out = os.path.join(HERE, "reference")
    os.makedirs(out, exist_ok=True)
    m = build()
    g = torch.Generator().manual_seed(5)
    x = torch.randn(1, T, 32, generator=g)
    with torch.no_grad():
        y = m(x)
    torch.onnx.export(m, x, os.path.join(out, "model.onnx"), input_names=["x"], output_names=["y"],
                      opset_version=14)
    index, chunks, off = [], [], 0
    for k, v in m.state_dict().items():
        a = v.detach().numpy().astype("<f4").ravel()
        index.append({"name": k, "shape": list(v.shape), "offset": off})
        chunks.append(a)
        off += a.size
    np.concatenate(chunks).tofile(os.path.join(out, "weights.bin"))
    x.numpy().astype("<f4").tofile(os.path.join(out, "input.bin"))
    y.numpy().astype("<f4").tofile(os.path.join(out, "output.bin"))
    with open(os.path.join(out, "weights.json"), "w") as f:
        json.dump({"config": CONFIG, "steps": T, "tensors": index}, f, indent=1)


if __name__ == "__main__":
    main()
