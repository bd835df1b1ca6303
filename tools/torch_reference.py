#!/usr/bin/python3
"""Writes test/fixtures/torch-reference.json: PyTorch's loss and gradients for the Elman RNN classifier, which
test/reference.test.ts compares our float32 kernel against (that test needs no Python; only regenerating the
fixture does).

Regenerate (Debian; the default `python3` on PATH may be a pyenv one without torch, so name Debian's):

    apt-get update && apt-get install -y python3-torch libopenblas0-pthread
    /usr/bin/python3 tools/torch_reference.py            # from the repository root

Model: nn.RNN(D, H, nonlinearity='tanh') + nn.Linear(H, C), float32, seeded random weights, bias_hh_l0 = 0 so
that b_h = bias_ih_l0. Each sequence runs on its own (no padding). Loss = batch mean of cross-entropy.
Readout 'last': z = h_T; 'mean': z = (1/T) sum_t h_t. Truncated BPTT with horizon k (for T > k):

    with torch.no_grad(): out1, h = rnn(x[:T-k])
    h = h.detach(); out2, _ = rnn(x[T-k:], h)
    z = out2[-1]  or  (out1.sum(0) + out2.sum(0)) / T

sequences with T <= k run in full. Weights are written in our layout (src/model/layout.ts), row-major:
W_xh [H][D] = weight_ih_l0, W_hh [H][H] = weight_hh_l0, b_h [H] = bias_ih_l0, W_hy [C][H] = fc.weight,
b_y [C] = fc.bias. Sequences are written as [T][D] row-major flat lists. Every float is a float32 value
written exactly (as its float64 repr), so the test can load it into a Float32Array without rounding.

The script also runs every case in float64 from the same (float32-rounded) weights and inputs and fails if
float32 and float64 disagree beyond float32 rounding, so the fixture is known to be a faithful reference.
"""

import json
import os

import torch
from torch import nn

D, H, C = 2, 6, 3
LENGTHS = [5, 9, 13, 2]
K_TRUNC = 4
CASES = [(readout, k) for readout in ("last", "mean") for k in (0, K_TRUNC)]  # k = 0: full BPTT
SEED = 1234
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "torch-reference.json")


def build(dtype):
    torch.manual_seed(SEED)
    rnn = nn.RNN(D, H, num_layers=1, nonlinearity="tanh", batch_first=False)
    fc = nn.Linear(H, C)
    with torch.no_grad():
        # Larger than PyTorch's default U(±1/sqrt(H)) init, so the states are not all in tanh's linear range.
        rnn.weight_ih_l0.uniform_(-0.9, 0.9)
        rnn.weight_hh_l0.uniform_(-0.6, 0.6)
        rnn.bias_ih_l0.uniform_(-0.5, 0.5)
        rnn.bias_hh_l0.zero_()
        fc.weight.uniform_(-0.8, 0.8)
        fc.bias.uniform_(-0.3, 0.3)
        gen = torch.Generator().manual_seed(SEED + 1)
        xs = [torch.randn(T, D, generator=gen) for T in LENGTHS]  # [T][D] each
        labels = torch.randint(0, C, (len(LENGTHS),), generator=gen).tolist()
    return rnn.to(dtype), fc.to(dtype), [x.to(dtype) for x in xs], labels


def sequence_logits(rnn, fc, x, readout, k):
    """Logits [C] of one sequence x [T][D], with the state detached at T-k when 0 < k < T."""
    T = x.shape[0]
    xb = x.unsqueeze(1)  # [T][1][D]: batch of one, batch_first=False
    if 0 < k < T:
        with torch.no_grad():
            out1, h = rnn(xb[: T - k])
        h = h.detach()
        out2, _ = rnn(xb[T - k :], h)
        z = out2[-1, 0] if readout == "last" else (out1.sum(0)[0] + out2.sum(0)[0]) / T
    else:
        out, _ = rnn(xb)
        z = out[-1, 0] if readout == "last" else out.sum(0)[0] / T
    return fc(z)


def run_case(rnn, fc, xs, labels, readout, k):
    """Batch mean cross-entropy and the gradient of every parameter, in our names."""
    for p in list(rnn.parameters()) + list(fc.parameters()):
        p.grad = None
    losses = [
        nn.functional.cross_entropy(sequence_logits(rnn, fc, x, readout, k).unsqueeze(0), torch.tensor([y]))
        for x, y in zip(xs, labels)
    ]
    loss = torch.stack(losses).mean()
    loss.backward()
    grads = {
        "W_xh": rnn.weight_ih_l0.grad,
        "W_hh": rnn.weight_hh_l0.grad,
        "b_h": rnn.bias_ih_l0.grad,
        "W_hy": fc.weight.grad,
        "b_y": fc.bias.grad,
    }
    return float(loss), {name: g.detach().reshape(-1).tolist() for name, g in grads.items()}


def flat(t):
    return t.detach().reshape(-1).tolist()


def main():
    torch.set_num_threads(1)
    rnn32, fc32, xs32, labels = build(torch.float32)
    rnn64, fc64, xs64, _ = build(torch.float64)  # same float32 values, widened

    cases = []
    worst = worst_abs = 0.0
    for readout, k in CASES:
        loss32, g32 = run_case(rnn32, fc32, xs32, labels, readout, k)
        loss64, g64 = run_case(rnn64, fc64, xs64, labels, readout, k)
        # float32 vs float64 of the same function: agreement to float32 rounding, else the reference is unsound.
        pairs = [(loss32, loss64)] + [(a, b) for n in g32 for a, b in zip(g32[n], g64[n])]
        for a, b in pairs:
            worst = max(worst, abs(a - b) / (1e-6 + abs(b)))
            worst_abs = max(worst_abs, abs(a - b))
            assert abs(a - b) <= 1e-6 + 1e-5 * abs(b), f"{readout} k={k}: float32 {a} vs float64 {b}"
        cases.append({"readout": readout, "k": k, "loss": loss32, "grad": g32})
        print(f"readout {readout:4s} k={k}: loss {loss32:.7f} (float64 {loss64:.7f})")
    print(f"float32 vs float64: largest |a-b| = {worst_abs:.2e}, largest |a-b|/(1e-6+|b|) = {worst:.2e}")

    fixture = {
        "generator": "tools/torch_reference.py",
        "torch_version": torch.__version__,
        "dtype": "float32",
        "shape": {"D": D, "H": H, "C": C},
        "params": {
            "W_xh": flat(rnn32.weight_ih_l0),
            "W_hh": flat(rnn32.weight_hh_l0),
            "b_h": flat(rnn32.bias_ih_l0),
            "W_hy": flat(fc32.weight),
            "b_y": flat(fc32.bias),
        },
        "sequences": [flat(x) for x in xs32],
        "lengths": LENGTHS,
        "labels": labels,
        "cases": cases,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
