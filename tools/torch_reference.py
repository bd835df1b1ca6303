#!/usr/bin/python3
"""Writes test/fixtures/torch-reference.json, test/fixtures/torch-reference-bidirectional.json,
test/fixtures/torch-reference-gru.json and test/fixtures/torch-reference-gru-2layers.json: PyTorch's loss and
gradients for the Elman RNN classifier, one-directional and bidirectional, and for the GRU classifier
(bidirectional, one layer and two), which test/reference.test.ts compares our float32 kernel against (that test
needs no Python; only regenerating the fixtures does).

Regenerate (Debian; the default `python3` on PATH may be a pyenv one without torch, so name Debian's):

    apt-get update && apt-get install -y python3-torch libopenblas0-pthread
    /usr/bin/python3 tools/torch_reference.py            # from the repository root

Model: nn.RNN(D, H, nonlinearity='tanh') + nn.Linear(H, C), float32, seeded random weights, bias_hh_l0 = 0 so
that b_h = bias_ih_l0. Each sequence runs on its own (no padding). Loss = batch mean of cross-entropy.
Readout 'last': z = h_T; 'mean': z = (1/T) sum_t h_t; 'max': z = max_t h_t per unit. Truncated BPTT with
horizon k (for T > k):

    with torch.no_grad(): out1, h = rnn(x[:T-k])
    h = h.detach(); out2, _ = rnn(x[T-k:], h)
    z = out2[-1]  or  (out1.sum(0) + out2.sum(0)) / T  or  torch.maximum(out1.max(0).values, out2.max(0).values)

sequences with T <= k run in full. Weights are written in our layout (src/model/layout.ts), row-major:
W_xh [H][D] = weight_ih_l0, W_hh [H][H] = weight_hh_l0, b_h [H] = bias_ih_l0, W_hy [C][H] = fc.weight,
b_y [C] = fc.bias. Sequences are written as [T][D] row-major flat lists. Every float is a float32 value
written exactly (as its float64 repr), so the test can load it into a Float32Array without rounding.

Bidirectional fixture (shape "directions": 2), with frame stacking: the sequences are raw samples [T][channels]
and the recurrence reads frames of "stride" s samples, x = F.pad(raw, (0, 0, pad, 0)).reshape(F, s * channels)
with F = ceil(T / s) and pad = F * s - T (src/model/frames.ts), so D = channels * s and T above is F. Two
nn.RNN(D, H) modules, `fwd` and `rev`, each truncated by the rule above in its own time:

    z = cat(z_of(fwd, x), z_of(rev, x.flip(0)))      fc = nn.Linear(2H, C)

(the reverse direction is the forward rule applied to the flipped frames). With full BPTT this is exactly
nn.RNN(D, H, bidirectional=True) with weight_ih_l0_reverse = rev.weight_ih_l0 (and so on): 'last' is h_n
flattened to [h_n[0]; h_n[1]] (the reverse direction's final state is the one after reading frame 0), 'mean' is
output.mean(0), 'max' output.max(0).values; the script checks that equivalence (loss and every gradient) before writing anything. Extra
weights in our layout: W_xh_r [H][D] = weight_ih_l0_reverse, W_hh_r [H][H] = weight_hh_l0_reverse,
b_h_r [H] = bias_ih_l0_reverse, and W_hy [C][2H] = fc.weight.

GRU fixture (shape "cell": "gru", "directions": 2, frames of "stride" samples as above): the same two-module
formulation with nn.GRU(D, H) for `fwd` and `rev`, checked against nn.GRU(D, H, bidirectional=True) the same
way. Every bias_hh is non-zero, so the folding of PyTorch's two biases into ours is exercised. Our layout
(src/model/layout.ts; gate blocks r, z, n in both): W_xh [3H][D] = weight_ih_l0, W_hh [3H][H] = weight_hh_l0,
b_h [3H] = bias_ih_l0 + [bias_hh_l0's r and z blocks, 0] (a float32 sum), b_hn [H] = bias_hh_l0's n block, and
the _r ones from the reverse direction. Gradients in the same layout: b_h's is bias_ih_l0's (its r and z rows
equal bias_hh_l0's, as the gates see only the sum; the script checks that), b_hn's is bias_hh_l0's n block.

Two-layer GRU fixture (shape "layers": 2, "cell": "gru", "directions": 2, frames as above): nn.GRU(D, H,
num_layers=2, bidirectional=True) itself, full BPTT only (k = 0: two layers do not truncate). The readout reads
the second layer: 'last' is [h_n[2]; h_n[3]] (the second layer's forward and reverse final states), 'mean' and
'max' output.mean(0) and output.max(0).values. The second layer's weights go to our _l1 names with the same
folding (W_xh_l1 [3H][2H] = weight_ih_l1, ..., W_xh_l1_r = weight_ih_l1_reverse, ...).

The script also runs every case in float64 from the same (float32-rounded) weights and inputs and fails if
float32 and float64 disagree beyond float32 rounding, so the fixtures are known to be faithful references.
"""

import json
import math
import os

import torch
from torch import nn

D, H, C = 2, 6, 3
LENGTHS = [5, 9, 13, 2]
K_TRUNC = 4
CASES = [(readout, k) for readout in ("last", "mean", "max") for k in (0, K_TRUNC)]  # k = 0: full BPTT
SEED = 1234
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures")
OUT = os.path.join(FIXTURES, "torch-reference.json")

# Bidirectional, stacked: frames of BI_STRIDE samples of BI_CHANNELS channels; the lengths (in samples) give
# 3, 6, 7, 1 and 4 frames (pads 2, 2, 1, 1, 0), so some sequences are longer than K_TRUNC frames and some not.
BI_CHANNELS, BI_STRIDE, BI_H, BI_C = 2, 3, 5, 3
BI_D = BI_CHANNELS * BI_STRIDE
BI_LENGTHS = [7, 16, 20, 2, 12]
BI_SEED = 4321
BI_OUT = os.path.join(FIXTURES, "torch-reference-bidirectional.json")

# GRU, bidirectional and stacked like the fixture above (same frame counts), a smaller H: 3H gate rows.
GRU_CHANNELS, GRU_STRIDE, GRU_H, GRU_C = 2, 3, 4, 3
GRU_D = GRU_CHANNELS * GRU_STRIDE
GRU_LENGTHS = [7, 16, 20, 2, 12]
GRU_SEED = 5678
GRU_OUT = os.path.join(FIXTURES, "torch-reference-gru.json")
GRU2_SEED = 8765
GRU2_OUT = os.path.join(FIXTURES, "torch-reference-gru-2layers.json")


def randomize(rnn):
    """Larger than PyTorch's default U(±1/sqrt(H)) init, so the states are not all in tanh's linear range."""
    rnn.weight_ih_l0.uniform_(-0.9, 0.9)
    rnn.weight_hh_l0.uniform_(-0.6, 0.6)
    rnn.bias_ih_l0.uniform_(-0.5, 0.5)
    rnn.bias_hh_l0.zero_()


def build(dtype):
    torch.manual_seed(SEED)
    rnn = nn.RNN(D, H, num_layers=1, nonlinearity="tanh", batch_first=False)
    fc = nn.Linear(H, C)
    with torch.no_grad():
        randomize(rnn)
        fc.weight.uniform_(-0.8, 0.8)
        fc.bias.uniform_(-0.3, 0.3)
        gen = torch.Generator().manual_seed(SEED + 1)
        xs = [torch.randn(T, D, generator=gen) for T in LENGTHS]  # [T][D] each
        labels = torch.randint(0, C, (len(LENGTHS),), generator=gen).tolist()
    return rnn.to(dtype), fc.to(dtype), [x.to(dtype) for x in xs], labels


def build_bidirectional(dtype):
    """The two directions' nn.RNN, the classifier over [z_fwd; z_rev], raw sequences [T][channels] and labels."""
    torch.manual_seed(BI_SEED)
    fwd = nn.RNN(BI_D, BI_H, num_layers=1, nonlinearity="tanh")
    rev = nn.RNN(BI_D, BI_H, num_layers=1, nonlinearity="tanh")
    fc = nn.Linear(2 * BI_H, BI_C)
    with torch.no_grad():
        randomize(fwd)
        randomize(rev)
        fc.weight.uniform_(-0.8, 0.8)
        fc.bias.uniform_(-0.3, 0.3)
        gen = torch.Generator().manual_seed(BI_SEED + 1)
        raws = [torch.randn(T, BI_CHANNELS, generator=gen) for T in BI_LENGTHS]
        labels = torch.randint(0, BI_C, (len(BI_LENGTHS),), generator=gen).tolist()
    return fwd.to(dtype), rev.to(dtype), fc.to(dtype), [x.to(dtype) for x in raws], labels


def build_gru(dtype):
    """The two directions' nn.GRU (every bias non-zero), the classifier over [z_fwd; z_rev], raw sequences and labels."""
    torch.manual_seed(GRU_SEED)
    fwd = nn.GRU(GRU_D, GRU_H, num_layers=1)
    rev = nn.GRU(GRU_D, GRU_H, num_layers=1)
    fc = nn.Linear(2 * GRU_H, GRU_C)
    with torch.no_grad():
        for rnn in (fwd, rev):
            rnn.weight_ih_l0.uniform_(-0.9, 0.9)
            rnn.weight_hh_l0.uniform_(-0.6, 0.6)
            rnn.bias_ih_l0.uniform_(-0.5, 0.5)
            # Away from 0 in every gate: b_hn must be carried, and r and z must fold a real second bias.
            rnn.bias_hh_l0.uniform_(0.1, 0.5).mul_(torch.randint(0, 2, (3 * GRU_H,)) * 2 - 1)
        fc.weight.uniform_(-0.8, 0.8)
        fc.bias.uniform_(-0.3, 0.3)
        gen = torch.Generator().manual_seed(GRU_SEED + 1)
        raws = [torch.randn(T, GRU_CHANNELS, generator=gen) for T in GRU_LENGTHS]
        labels = torch.randint(0, GRU_C, (len(GRU_LENGTHS),), generator=gen).tolist()
    return fwd.to(dtype), rev.to(dtype), fc.to(dtype), [x.to(dtype) for x in raws], labels


def frames(raw, s):
    """raw [T][channels] as F = ceil(T/s) frames [F][s * channels], the first one behind F*s - T zeros."""
    T = raw.shape[0]
    F = math.ceil(T / s)
    return nn.functional.pad(raw, (0, 0, F * s - T, 0)).reshape(F, s * raw.shape[1])


def readout_of(rnn, x, readout, k):
    """z [H] of one direction over x [T][D], with the state detached at T-k when 0 < k < T."""
    T = x.shape[0]
    xb = x.unsqueeze(1)  # [T][1][D]: batch of one, batch_first=False
    if 0 < k < T:
        with torch.no_grad():
            out1, h = rnn(xb[: T - k])
        h = h.detach()
        out2, _ = rnn(xb[T - k :], h)
        if readout == "max":
            return torch.maximum(out1.max(0).values[0], out2.max(0).values[0])
        return out2[-1, 0] if readout == "last" else (out1.sum(0)[0] + out2.sum(0)[0]) / T
    out, _ = rnn(xb)
    if readout == "max":
        return out.max(0).values[0]
    return out[-1, 0] if readout == "last" else out.sum(0)[0] / T


def sequence_logits(rnn, fc, x, readout, k):
    """Logits [C] of one sequence x [T][D]."""
    return fc(readout_of(rnn, x, readout, k))


def bidirectional_logits(fwd, rev, fc, x, readout, k):
    """Logits [C] of one sequence of frames x [F][D]: the reverse direction is the forward rule on x.flip(0)."""
    return fc(torch.cat([readout_of(fwd, x, readout, k), readout_of(rev, x.flip(0), readout, k)]))


def fused_logits(birnn, fc, x, readout):
    """Logits [C] from nn.RNN(bidirectional=True), full BPTT: h_n as [h_n[0]; h_n[1]], or the mean or max of output."""
    out, h_n = birnn(x.unsqueeze(1))  # out [F][1][2H], h_n [2][1][H]
    z = h_n[:, 0].reshape(-1) if readout == "last" else out.max(0).values[0] if readout == "max" else out.mean(0)[0]
    return fc(z)


def run_case(logits, params, xs, labels):
    """Batch mean cross-entropy of logits(x) and the gradient of every parameter in `params` (our names)."""
    for p in params.values():
        p.grad = None
    losses = [nn.functional.cross_entropy(logits(x).unsqueeze(0), torch.tensor([y])) for x, y in zip(xs, labels)]
    loss = torch.stack(losses).mean()
    loss.backward()
    return float(loss), {name: p.grad.detach().reshape(-1).tolist() for name, p in params.items()}


def named(rnn, fc):
    return {"W_xh": rnn.weight_ih_l0, "W_hh": rnn.weight_hh_l0, "b_h": rnn.bias_ih_l0, "W_hy": fc.weight, "b_y": fc.bias}


def named_bidirectional(fwd, rev, fc):
    return {
        "W_xh": fwd.weight_ih_l0, "W_hh": fwd.weight_hh_l0, "b_h": fwd.bias_ih_l0,
        "W_xh_r": rev.weight_ih_l0, "W_hh_r": rev.weight_hh_l0, "b_h_r": rev.bias_ih_l0,
        "W_hy": fc.weight, "b_y": fc.bias,
    }


def fused(fwd, rev):
    """nn.RNN (or nn.GRU) with bidirectional=True holding fwd's weights as its forward direction and rev's as its reverse one."""
    if isinstance(fwd, nn.GRU):
        birnn = nn.GRU(fwd.input_size, fwd.hidden_size, bidirectional=True).to(fwd.weight_ih_l0.dtype)
    else:
        birnn = nn.RNN(fwd.input_size, fwd.hidden_size, nonlinearity="tanh", bidirectional=True).to(fwd.weight_ih_l0.dtype)
    with torch.no_grad():
        for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
            getattr(birnn, name).copy_(getattr(fwd, name))
            getattr(birnn, name + "_reverse").copy_(getattr(rev, name))
    return birnn


def named_fused(birnn, fc):
    return {
        "W_xh": birnn.weight_ih_l0, "W_hh": birnn.weight_hh_l0, "b_h": birnn.bias_ih_l0,
        "W_xh_r": birnn.weight_ih_l0_reverse, "W_hh_r": birnn.weight_hh_l0_reverse, "b_h_r": birnn.bias_ih_l0_reverse,
        "W_hy": fc.weight, "b_y": fc.bias,
    }


def torch_named_gru(fwd, rev, fc):
    """The GRU classifier's parameters under PyTorch's names (a direction's prefix, then its nn.GRU name)."""
    named = {}
    for prefix, rnn in (("", fwd), ("reverse.", rev)):
        for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
            named[prefix + name] = getattr(rnn, name)
    return {**named, "fc.weight": fc.weight, "fc.bias": fc.bias}


def torch_named_gru_fused(birnn, fc):
    """As torch_named_gru, from nn.GRU(bidirectional=True)."""
    named = {}
    for prefix, suffix in (("", ""), ("reverse.", "_reverse")):
        for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
            named[prefix + name] = getattr(birnn, name + suffix)
    return {**named, "fc.weight": fc.weight, "fc.bias": fc.bias}


def gru_params_ours(named):
    """The GRU's parameters (torch_named_gru) in our layout, flat: b_h = bias_ih + [bias_hh's r and z, 0], b_hn = bias_hh's n."""
    H = GRU_H
    ours = {}
    for prefix, suffix in (("", ""), ("reverse.", "_r")):
        bih, bhh = named[prefix + "bias_ih_l0"].detach(), named[prefix + "bias_hh_l0"].detach()
        ours["W_xh" + suffix] = flat(named[prefix + "weight_ih_l0"])
        ours["W_hh" + suffix] = flat(named[prefix + "weight_hh_l0"])
        ours["b_h" + suffix] = flat(bih + torch.cat([bhh[: 2 * H], torch.zeros(H, dtype=bhh.dtype)]))
        ours["b_hn" + suffix] = flat(bhh[2 * H :])
    order = ("W_xh", "W_hh", "b_h", "b_hn", "W_xh_r", "W_hh_r", "b_h_r", "b_hn_r")
    return {**{name: ours[name] for name in order}, "W_hy": flat(named["fc.weight"]), "b_y": flat(named["fc.bias"])}


def gru_grads_ours(case, name):
    """A run_case result over torch_named_gru as one in our layout: b_h's gradient is bias_ih's, b_hn's bias_hh's n block.
    The r and z blocks of bias_ih's and bias_hh's gradients must agree (the gates see only their sum)."""
    loss, g = case
    H = GRU_H
    ours = {}
    for prefix, suffix in (("", ""), ("reverse.", "_r")):
        gih, ghh = g[prefix + "bias_ih_l0"], g[prefix + "bias_hh_l0"]
        for a, b in zip(gih[: 2 * H], ghh[: 2 * H]):
            assert abs(a - b) <= 1e-6 * (1 + abs(b)), f"{name}: d bias_ih {a} vs d bias_hh {b} in the r or z block"
        ours["W_xh" + suffix] = g[prefix + "weight_ih_l0"]
        ours["W_hh" + suffix] = g[prefix + "weight_hh_l0"]
        ours["b_h" + suffix] = gih
        ours["b_hn" + suffix] = ghh[2 * H :]
    order = ("W_xh", "W_hh", "b_h", "b_hn", "W_xh_r", "W_hh_r", "b_h_r", "b_hn_r")
    return loss, {**{n: ours[n] for n in order}, "W_hy": g["fc.weight"], "b_y": g["fc.bias"]}


def pairs_of(case_a, case_b):
    """(a, b) for the losses and every gradient element of two run_case results."""
    (loss_a, g_a), (loss_b, g_b) = case_a, case_b
    return [(loss_a, loss_b)] + [(a, b) for n in g_a for a, b in zip(g_a[n], g_b[n])]


def check_float32(name, case32, case64, worst):
    """float32 vs float64 of the same function: agreement to float32 rounding, else the reference is unsound."""
    for a, b in pairs_of(case32, case64):
        worst["rel"] = max(worst["rel"], abs(a - b) / (1e-6 + abs(b)))
        worst["abs"] = max(worst["abs"], abs(a - b))
        assert abs(a - b) <= 1e-6 + 1e-5 * abs(b), f"{name}: float32 {a} vs float64 {b}"


def check_fused(readout, two, one, module="nn.RNN"):
    """The two-module formulation equals `module`(bidirectional=True) (float64, so only summation order differs)."""
    worst = 0.0
    for a, b in pairs_of(two, one):
        worst = max(worst, abs(a - b))
        assert abs(a - b) <= 1e-12 * (1 + abs(b)), f"bidirectional {readout}: two {module} {a} vs {module}(bidirectional=True) {b}"
    return worst


def flat(t):
    return t.detach().reshape(-1).tolist()


def write(path, fixture):
    with open(path, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.normpath(path)}")


def one_directional_fixture():
    rnn32, fc32, xs32, labels = build(torch.float32)
    rnn64, fc64, xs64, _ = build(torch.float64)  # same float32 values, widened

    cases = []
    worst = {"abs": 0.0, "rel": 0.0}
    for readout, k in CASES:
        case32 = run_case(lambda x: sequence_logits(rnn32, fc32, x, readout, k), named(rnn32, fc32), xs32, labels)
        case64 = run_case(lambda x: sequence_logits(rnn64, fc64, x, readout, k), named(rnn64, fc64), xs64, labels)
        check_float32(f"{readout} k={k}", case32, case64, worst)
        cases.append({"readout": readout, "k": k, "loss": case32[0], "grad": case32[1]})
        print(f"readout {readout:4s} k={k}: loss {case32[0]:.7f} (float64 {case64[0]:.7f})")
    print(f"float32 vs float64: largest |a-b| = {worst['abs']:.2e}, largest |a-b|/(1e-6+|b|) = {worst['rel']:.2e}")

    return {
        "generator": "tools/torch_reference.py",
        "torch_version": torch.__version__,
        "dtype": "float32",
        "shape": {"D": D, "H": H, "C": C},
        "params": {name: flat(p) for name, p in named(rnn32, fc32).items()},
        "sequences": [flat(x) for x in xs32],
        "lengths": LENGTHS,
        "labels": labels,
        "cases": cases,
    }


def two_direction_fixture(cell):
    """The bidirectional fixture of one cell: our two-module formulation against the fused PyTorch module."""
    gru = cell == "gru"
    build, stride, D, H, C, channels, lengths = (
        (build_gru, GRU_STRIDE, GRU_D, GRU_H, GRU_C, GRU_CHANNELS, GRU_LENGTHS) if gru
        else (build_bidirectional, BI_STRIDE, BI_D, BI_H, BI_C, BI_CHANNELS, BI_LENGTHS))
    named_two, named_one = (torch_named_gru, torch_named_gru_fused) if gru else (named_bidirectional, named_fused)
    module, title = ("nn.GRU", "GRU, bidirectional") if gru else ("nn.RNN", "bidirectional")
    ours = gru_grads_ours if gru else (lambda case, name: case)
    fwd32, rev32, fc32, raws32, labels = build(torch.float32)
    fwd64, rev64, fc64, raws64, _ = build(torch.float64)
    xs32 = [frames(x, stride) for x in raws32]
    xs64 = [frames(x, stride) for x in raws64]
    birnn64 = fused(fwd64, rev64)

    cases = []
    worst = {"abs": 0.0, "rel": 0.0}
    worst_fused = 0.0
    for readout, k in CASES:
        name = f"{'GRU' if gru else 'bidirectional'} {readout} k={k}"
        case32 = ours(run_case(lambda x: bidirectional_logits(fwd32, rev32, fc32, x, readout, k), named_two(fwd32, rev32, fc32), xs32, labels), name)
        case64 = ours(run_case(lambda x: bidirectional_logits(fwd64, rev64, fc64, x, readout, k), named_two(fwd64, rev64, fc64), xs64, labels), name)
        check_float32(name, case32, case64, worst)
        if k == 0:
            one = ours(run_case(lambda x: fused_logits(birnn64, fc64, x, readout), named_one(birnn64, fc64), xs64, labels), name)
            worst_fused = max(worst_fused, check_fused(readout, case64, one, module))
        cases.append({"readout": readout, "k": k, "loss": case32[0], "grad": case32[1]})
        print(f"{title}, stride {stride}, readout {readout:4s} k={k}: loss {case32[0]:.7f} (float64 {case64[0]:.7f})")
    print(f"float32 vs float64: largest |a-b| = {worst['abs']:.2e}, largest |a-b|/(1e-6+|b|) = {worst['rel']:.2e}")
    print(f"two {module} vs {module}(bidirectional=True), full BPTT, float64: largest |a-b| = {worst_fused:.2e}")

    params = named_two(fwd32, rev32, fc32)
    return {
        "generator": "tools/torch_reference.py",
        "torch_version": torch.__version__,
        "dtype": "float32",
        "shape": {"D": D, "H": H, "C": C, "directions": 2, **({"cell": "gru"} if gru else {})},
        "stride": stride,
        "channels": channels,
        "params": gru_params_ours(params) if gru else {name: flat(p) for name, p in params.items()},
        "sequences": [flat(x) for x in raws32],  # raw samples [T][channels]; the test frames them
        "lengths": lengths,
        "labels": labels,
        "cases": cases,
    }


def build_gru_two_layers(dtype):
    """nn.GRU(num_layers=2, bidirectional=True) (every bias non-zero), the classifier over the second layer's [2H], raw sequences and labels."""
    torch.manual_seed(GRU2_SEED)
    gru = nn.GRU(GRU_D, GRU_H, num_layers=2, bidirectional=True)
    fc = nn.Linear(2 * GRU_H, GRU_C)
    with torch.no_grad():
        for name, p in gru.named_parameters():
            if name.startswith("weight_ih"):
                p.uniform_(-0.9, 0.9)
            elif name.startswith("weight_hh"):
                p.uniform_(-0.6, 0.6)
            elif name.startswith("bias_ih"):
                p.uniform_(-0.5, 0.5)
            else:
                p.uniform_(0.1, 0.5).mul_(torch.randint(0, 2, (3 * GRU_H,)) * 2 - 1)
        fc.weight.uniform_(-0.8, 0.8)
        fc.bias.uniform_(-0.3, 0.3)
        gen = torch.Generator().manual_seed(GRU2_SEED + 1)
        raws = [torch.randn(T, GRU_CHANNELS, generator=gen) for T in GRU_LENGTHS]
        labels = torch.randint(0, GRU_C, (len(GRU_LENGTHS),), generator=gen).tolist()
    return gru.to(dtype), fc.to(dtype), [x.to(dtype) for x in raws], labels


def two_layer_logits(gru, fc, x, readout):
    """Logits [C] of one sequence of frames x [F][D] from the second layer of a two-layer bidirectional nn.GRU."""
    out, h_n = gru(x.unsqueeze(1))  # out [F][1][2H] (the second layer's), h_n [4][1][H]
    z = h_n[2:, 0].reshape(-1) if readout == "last" else out.max(0).values[0] if readout == "max" else out.mean(0)[0]
    return fc(z)


# Our names of a two-layer model's recurrences: PyTorch's suffix (layer, direction) -> ours.
TWO_LAYER_NAMES = (("_l0", ""), ("_l0_reverse", "_r"), ("_l1", "_l1"), ("_l1_reverse", "_l1_r"))


def two_layer_params_ours(gru, fc):
    """The two-layer GRU's parameters in our layout, with the biases folded as gru_params_ours folds them."""
    H = GRU_H
    ours = {}
    for theirs, suffix in TWO_LAYER_NAMES:
        bih, bhh = getattr(gru, "bias_ih" + theirs).detach(), getattr(gru, "bias_hh" + theirs).detach()
        ours["W_xh" + suffix] = flat(getattr(gru, "weight_ih" + theirs))
        ours["W_hh" + suffix] = flat(getattr(gru, "weight_hh" + theirs))
        ours["b_h" + suffix] = flat(bih + torch.cat([bhh[: 2 * H], torch.zeros(H, dtype=bhh.dtype)]))
        ours["b_hn" + suffix] = flat(bhh[2 * H :])
    return {**ours, "W_hy": flat(fc.weight), "b_y": flat(fc.bias)}


def torch_named_two_layers(gru, fc):
    named = {"prefix" + theirs + "." + name: getattr(gru, name + theirs) for theirs, _ in TWO_LAYER_NAMES
             for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
    return {**named, "fc.weight": fc.weight, "fc.bias": fc.bias}


def two_layer_grads_ours(case, name):
    """A run_case result over torch_named_two_layers in our layout (as gru_grads_ours, for both layers)."""
    loss, g = case
    H = GRU_H
    ours = {}
    for theirs, suffix in TWO_LAYER_NAMES:
        gih, ghh = g["prefix" + theirs + ".bias_ih"], g["prefix" + theirs + ".bias_hh"]
        for a, b in zip(gih[: 2 * H], ghh[: 2 * H]):
            assert abs(a - b) <= 1e-6 * (1 + abs(b)), f"{name}: d bias_ih {a} vs d bias_hh {b} in the r or z block"
        ours["W_xh" + suffix] = g["prefix" + theirs + ".weight_ih"]
        ours["W_hh" + suffix] = g["prefix" + theirs + ".weight_hh"]
        ours["b_h" + suffix] = gih
        ours["b_hn" + suffix] = ghh[2 * H :]
    return loss, {**ours, "W_hy": g["fc.weight"], "b_y": g["fc.bias"]}


def two_layer_fixture():
    gru32, fc32, raws32, labels = build_gru_two_layers(torch.float32)
    gru64, fc64, raws64, _ = build_gru_two_layers(torch.float64)
    xs32 = [frames(x, GRU_STRIDE) for x in raws32]
    xs64 = [frames(x, GRU_STRIDE) for x in raws64]
    cases = []
    worst = {"abs": 0.0, "rel": 0.0}
    for readout in ("last", "mean", "max"):
        name = f"GRU, two layers, {readout}"
        case32 = two_layer_grads_ours(run_case(lambda x: two_layer_logits(gru32, fc32, x, readout), torch_named_two_layers(gru32, fc32), xs32, labels), name)
        case64 = two_layer_grads_ours(run_case(lambda x: two_layer_logits(gru64, fc64, x, readout), torch_named_two_layers(gru64, fc64), xs64, labels), name)
        check_float32(name, case32, case64, worst)
        cases.append({"readout": readout, "k": 0, "loss": case32[0], "grad": case32[1]})
        print(f"GRU, two layers, bidirectional, stride {GRU_STRIDE}, readout {readout:4s}: loss {case32[0]:.7f} (float64 {case64[0]:.7f})")
    print(f"float32 vs float64: largest |a-b| = {worst['abs']:.2e}, largest |a-b|/(1e-6+|b|) = {worst['rel']:.2e}")
    return {
        "generator": "tools/torch_reference.py",
        "torch_version": torch.__version__,
        "dtype": "float32",
        "shape": {"D": GRU_D, "H": GRU_H, "C": GRU_C, "directions": 2, "cell": "gru", "layers": 2},
        "stride": GRU_STRIDE,
        "channels": GRU_CHANNELS,
        "params": two_layer_params_ours(gru32, fc32),
        "sequences": [flat(x) for x in raws32],
        "lengths": GRU_LENGTHS,
        "labels": labels,
        "cases": cases,
    }


def main():
    torch.set_num_threads(1)
    one, bi, gru = one_directional_fixture(), two_direction_fixture("rnn"), two_direction_fixture("gru")
    gru2 = two_layer_fixture()
    os.makedirs(FIXTURES, exist_ok=True)
    write(OUT, one)
    write(BI_OUT, bi)
    write(GRU_OUT, gru)
    write(GRU2_OUT, gru2)


if __name__ == "__main__":
    main()
