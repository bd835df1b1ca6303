#!/usr/bin/python3
"""PyTorch's nn.GRU on the bench workloads, measured as the reference torch_rnn_bench.py (npm run bench's --anchors folder) measures nn.RNN.

nn.GRU(batch_first=True) + nn.Linear on the last state, CrossEntropyLoss, Adam(lr=1e-3), float32, random data
with a fixed seed. After a warm-up that also sets the iteration count, the median of --reps timed repetitions
of about --target-s each, in sequences per second, of
  train_full_bptt   forward + backward + optimizer step
  train_tbptt_last64 (W2) the first T-64 steps under no_grad, the state detached, then the last 64 with grad
  infer             forward only under no_grad
One process per thread count (the BLAS reads its thread count at load), e.g.
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread /usr/bin/python3 bench/torch_gru_bench.py --threads 2 --blas-threads 1
Writes one JSON object per measurement to --json (appended), as the anchor does.
"""
import argparse
import json
import os
import statistics
import time

ap = argparse.ArgumentParser()
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--workloads", default="W1,W2")
ap.add_argument("--reps", type=int, default=5)
ap.add_argument("--target-s", type=float, default=1.0)
ap.add_argument("--warmup-s", type=float, default=1.0)
ap.add_argument("--json", default=None)
ap.add_argument("--no-tbptt", action="store_true")
ap.add_argument("--blas-threads", type=int, default=None)
args = ap.parse_args()

# Before torch and its BLAS load.
os.environ["OMP_NUM_THREADS"] = str(args.threads)
for name in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[name] = str(args.threads if args.blas_threads is None else args.blas_threads)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

torch.set_num_threads(args.threads)
torch.set_num_interop_threads(1)

SHAPES = {"W1": (1, 128, 64, 3, 32), "W2": (3, 512, 128, 6, 64)}  # D, T, H, C, B
K = 64


class GruClassifier(nn.Module):
    def __init__(self, D, H, C):
        super().__init__()
        self.gru = nn.GRU(D, H, num_layers=1, batch_first=True)
        self.fc = nn.Linear(H, C)

    def forward(self, x, h0=None):
        _, h = self.gru(x, h0)
        return self.fc(h[0])


def rates_of(fn, B):
    """Warm up for --warmup-s (at least 3 calls), then --reps timed repetitions of about --target-s: seq/s each."""
    t0, n = time.perf_counter(), 0
    while True:
        fn()
        n += 1
        elapsed = time.perf_counter() - t0
        if elapsed >= args.warmup_s and n >= 3:
            break
    iters = max(2, round(args.target_s / (elapsed / n)))
    out = []
    for _ in range(args.reps):
        t0 = time.perf_counter()
        for _ in range(iters):
            fn()
        out.append(iters * B / (time.perf_counter() - t0))
    return out


def measure(name):
    D, T, H, C, B = SHAPES[name]
    torch.manual_seed(0)
    model = GruClassifier(D, H, C)
    x = torch.randn(B, T, D)
    y = torch.randint(0, C, (B,))
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def train():
        opt.zero_grad(set_to_none=True)
        loss_fn(model(x), y).backward()
        opt.step()

    def tbptt():
        opt.zero_grad(set_to_none=True)
        with torch.no_grad():
            _, h = model.gru(x[:, : T - K])
        loss_fn(model(x[:, T - K:], h.detach()), y).backward()
        opt.step()

    def infer():
        with torch.no_grad():
            model(x)

    modes = [("train_full_bptt", train), ("infer", infer)]
    if name == "W2" and not args.no_tbptt:
        modes.insert(1, (f"train_tbptt_last{K}", tbptt))
    rows = []
    for mode, fn in modes:
        r = rates_of(fn, B)
        med = statistics.median(r)
        rows.append(dict(system="pytorch", cell="gru", torch=torch.__version__, workload=name, mode=mode, threads=args.threads,
                         D=D, T=T, H=H, C=C, B=B, seq_per_s_median=med, seq_per_s_min=min(r), seq_per_s_max=max(r)))
        print(f"{name} gru {mode:20s} thr={args.threads} {med:10.1f} seq/s [min {min(r):.1f} max {max(r):.1f}]", flush=True)
    return rows


rows = [row for name in args.workloads.split(",") for row in measure(name)]
if args.json:
    with open(args.json, "a") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")
