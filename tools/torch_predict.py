#!/usr/bin/python3
"""Class probabilities of raw sequences from a train-signals .safetensors file, in plain PyTorch: what a user's
own PyTorch code does with an exported model. test/torch-load.test.ts runs it and holds its output to our
score() (src/eval/score.ts) within 1e-5.

    /usr/bin/python3 tools/torch_predict.py model.safetensors sequences.json

sequences.json: {"sequences": [[[x_0 per channel], [x_1 ...], ...], ...]}, raw samples [T][channels] each, of
any lengths, null or NaN where a value is missing (JavaScript's JSON.stringify writes NaN as null, and ±Infinity
too): filled first, as train-signals fills a gap (fill_gaps); a sequence with a channel of no value at all is
refused, as train-signals refuses it. Prints {"probabilities": [[p per class], ...]} (JSON, one row per sequence, in the classes' order
of __metadata__ "classes"). Input it cannot read (a file missing, not JSON, a sequence without samples, a sample
without one value per channel, a value that is not a finite number within float32's range) is refused in one
line on stderr, exit 2.

Needs only PyTorch and the standard library (Debian: apt-get install -y python3-torch libopenblas0-pthread): it
reads the safetensors format itself (8-byte little-endian header length, JSON header, F32 little-endian data),
so it needs no `safetensors` package.

The model, from the file alone (src/io/safetensors.ts has the names):
    rnn = nn.RNN(W * stride, H, bidirectional=<the _reverse tensors are there>,
                 num_layers=<2 when rnn.weight_ih_l1 is there, else 1>), fc = nn.Linear(K * H, C)
          or nn.GRU(...) with the same arguments when __metadata__ "cell" is "gru" (rnn.weight_ih_l0 is [3H, D]);
          W = channels, times 3 when "sequenceNorm" is true, times 2 when "differences" is true
    raw = fill_gaps(raw)                                       each NaN filled as train-signals fills a gap
    x   = torch.cat([(raw - mu) / s, mu.expand_as(raw), s.log().expand_as(raw)], 1)   when "sequenceNorm" is true:
          mu and sigma the sequence's own mean and (population) standard deviation per channel, in float64,
          s = sigma, or 1 where sigma is 0
    x   = torch.cat([x, x - torch.cat([x[:1], x[:-1]])], 1)   when "differences" is true: each sample's
          values, then its first differences (0 for the first sample)
    x   = (x - mean) / std                                     per channel, when "normalization" is not null
    x   = F.interpolate(x.T[None].double(), L, mode="linear", align_corners=True)[0].T.float()    when "resample"
          is L: sample j of the result is x at j (T - 1) / (L - 1), linearly interpolated, the positions in
          float64 (in float32 they drift by about 6e-8 T samples); then T = L
    x   = F.pad(x, (0, 0, pad, 0)).reshape(F, stride * channels)    F = ceil(T / stride), pad = F * stride - T
    out, h_n = rnn(x)                                          each sequence on its own: no padding, no masks
    z   = cat of h_n over the directions  (readout "last": the forward state after the last frame, the reverse
          one's after frame 0)  or  out.mean(0)  (readout "mean": each direction's mean over the F steps)
          or  out.max(0).values  (readout "max": each unit's maximum over the F steps)
    p   = softmax(fc(z))
"""

import json
import math
import struct
import sys

import torch
from torch import nn


def read_safetensors(path):
    """The tensors (name -> float32 tensor) and the __metadata__ (JSON strings parsed) of a safetensors file."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    base = 8 + n
    tensors = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        assert t["dtype"] == "F32", f"{path}: tensor {name} is {t['dtype']}, not F32"
        begin, end = t["data_offsets"]
        values = struct.unpack(f"<{(end - begin) // 4}f", data[base + begin : base + end])
        tensors[name] = torch.tensor(values, dtype=torch.float32).reshape(t["shape"])
    meta = {k: json_or_text(v) for k, v in header.get("__metadata__", {}).items()}
    return tensors, meta


def json_or_text(value):
    """A __metadata__ value: train-signals writes JSON text; other writers add plain text ("format": "pt")."""
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def build(tensors, meta):
    """nn.RNN (or nn.GRU) and nn.Linear holding the file's weights (loaded under the file's own names), and the stride."""
    stride = meta.get("stride", 1)
    bidirectional = "rnn.weight_ih_l0_reverse" in tensors
    layers = 2 if "rnn.weight_ih_l1" in tensors else 1
    gru = meta.get("cell", "rnn") == "gru"
    rows, D = tensors["rnn.weight_ih_l0"].shape
    width = len(meta["channels"]) * (3 if meta.get("sequenceNorm") is True else 1) * (2 if meta.get("differences") is True else 1)
    assert D == width * stride, "rnn.weight_ih_l0 is not [G * H, W * stride] (W: channels, 3x with sequenceNorm, 2x with differences)"
    check_metadata(meta, width)
    # nn.GRU stacks its three gate blocks (r, z, n) in the rows: [3H, D].
    assert not gru or rows % 3 == 0, "rnn.weight_ih_l0 of a GRU is not [3H, D]"
    H = rows // 3 if gru else rows
    if gru:
        rnn = nn.GRU(D, H, bidirectional=bidirectional, num_layers=layers)
    else:
        rnn = nn.RNN(D, H, nonlinearity="tanh", bidirectional=bidirectional, num_layers=layers)
    fc = nn.Linear((2 if bidirectional else 1) * H, len(meta["classes"]))
    # Strict: every name and shape of the file must be the modules' own, and nothing may be missing.
    nn.ModuleDict({"rnn": rnn, "fc": fc}).load_state_dict(tensors)
    return rnn, fc, stride


def check_metadata(meta, width):
    """Raises ValueError unless __metadata__ holds what probabilities() reads, of the shapes it reads."""
    if meta.get("readout") not in ("last", "mean", "max"):
        raise ValueError(f'"readout" is {json.dumps(meta.get("readout"))}, not "last", "mean" or "max"')
    norm = meta.get("normalization", "missing")
    numbers = lambda v: isinstance(v, list) and len(v) == width and all(isinstance(u, (int, float)) and not isinstance(u, bool) for u in v)
    if norm is not None and not (isinstance(norm, dict) and numbers(norm.get("mean")) and numbers(norm.get("std"))):
        raise ValueError(f'"normalization" is neither null nor {{"mean": [...], "std": [...]}} of {width} numbers each')
    L = meta.get("resample", 2)
    if not (isinstance(L, int) and not isinstance(L, bool) and L >= 1):
        raise ValueError(f'"resample" is {json.dumps(L)}, not a whole number of samples')


class Overflow(Exception):
    """A sequence whose values overflow float32 once normalized or differenced, as train-signals refuses it."""


def frames(x, s):
    """x [T][channels] as F = ceil(T/s) frames [F][s * channels], the first one behind F*s - T zeros."""
    T = x.shape[0]
    F = math.ceil(T / s)
    return nn.functional.pad(x, (0, 0, F * s - T, 0)).reshape(F, s * x.shape[1])


class NoValue(Exception):
    """A channel with no value at all in a sequence: nothing to fill its gaps from."""


def fill_gaps(x):
    """x [T][channels] with each NaN filled as train-signals fills a gap: linearly between the read samples beside
    it (in float64, then rounded to float32), with the nearest read sample before the first or after the last."""
    r = x.double()
    for d in range(r.shape[1]):
        column = r[:, d]
        missing = torch.isnan(column)
        if not missing.any():
            continue
        read = torch.nonzero(~missing).flatten()
        if len(read) == 0:
            raise NoValue(d)
        t = torch.nonzero(missing).flatten()
        k = torch.searchsorted(read, t)  # the read samples before t
        a, b = read[(k - 1).clamp(min=0)], read[k.clamp(max=len(read) - 1)]
        xa, xb = column[a], column[b]
        line = xa + ((xb - xa) * (t - a).double()) / (b - a).double()
        column[t] = torch.where(k == 0, xb, torch.where(k == len(read), xa, line))
    return r.float()


def probabilities(rnn, fc, meta, stride, raw):
    """p [C] of one raw sequence [T][channels] (null or NaN where a value is missing)."""
    x = fill_gaps(torch.tensor([[math.nan if v is None else v for v in step] for step in raw], dtype=torch.float32))
    if meta.get("sequenceNorm") is True:
        r = x.double()
        mu = r.mean(0, keepdim=True)
        sigma = r.std(0, unbiased=False, keepdim=True)
        s = torch.where(sigma > 0, sigma, torch.ones_like(sigma))
        x = torch.cat([(r - mu) / s, mu.expand_as(r), s.log().expand_as(r)], 1).float()
    if meta.get("differences") is True:
        x = torch.cat([x, x - torch.cat([x[:1], x[:-1]])], 1)
    norm = meta["normalization"]
    if norm is not None:
        x = (x - torch.tensor(norm["mean"], dtype=torch.float32)) / torch.tensor(norm["std"], dtype=torch.float32)
    if not torch.isfinite(x).all():
        raise Overflow()
    if "resample" in meta:
        x = nn.functional.interpolate(x.T[None].double(), meta["resample"], mode="linear", align_corners=True)[0].T.float()
    # Batch of one: out [F][1][K*H] (the last layer's), h_n [layers*K][1][H] (nn.RNN and nn.GRU alike).
    out, h_n = rnn(frames(x, stride).unsqueeze(1))
    K = 2 if rnn.bidirectional else 1
    readout = meta["readout"]
    z = h_n[-K:, 0].reshape(-1) if readout == "last" else out.max(0).values[0] if readout == "max" else out.mean(0)[0]
    return torch.softmax(fc(z), dim=0)


FLOAT32_LIMIT = 3.4028235677973366e38  # the least magnitude float32 rounds to infinity


class Refused(Exception):
    """Input the script cannot read as the model's sequences (refuse() says so)."""


def checked_sequences(doc, channels):
    """doc["sequences"], each a non-empty list of samples of len(channels) numbers (None where a value is missing)."""
    sequences = doc.get("sequences") if isinstance(doc, dict) else None
    if not isinstance(sequences, list):
        raise Refused('the input is not {"sequences": [...]} (a list of sequences, each a list of samples)')
    names = ", ".join([json.dumps(c) for c in channels[:5]] + (["..."] if len(channels) > 5 else []))
    for n, raw in enumerate(sequences, 1):
        if not isinstance(raw, list) or len(raw) == 0:
            raise Refused(f"sequence {n} has no samples" if raw == [] else f"sequence {n} is not a list of samples")
        for t, step in enumerate(raw, 1):
            if not isinstance(step, list):
                raise Refused(f"sequence {n}, sample {t} is {json.dumps(step)[:40]}, not a list of one value per channel ({names})")
            if len(step) != len(channels):
                raise Refused(f"sequence {n}, sample {t} has {len(step)} value(s), where the model reads {len(channels)} channel(s) ({names})")
            for d, v in enumerate(step):
                if v is None or (isinstance(v, (int, float)) and not isinstance(v, bool) and float32_or_nan(v)):
                    continue
                shown = json.dumps(v)
                shown = shown if len(shown) <= 20 else shown[:20] + "..."
                raise Refused(f"sequence {n}, sample {t}, channel {json.dumps(channels[d])}: {shown} is not a finite number within float32's range (null or NaN is a gap)")
    return sequences


def float32_or_nan(v):
    """Whether a number from JSON is NaN (a gap) or finite within float32's range, as the model reads it."""
    try:
        return not abs(float(v)) >= FLOAT32_LIMIT
    except OverflowError:  # an integer past float64's range
        return False


def refuse(message):
    """Input the script cannot read: one line on stderr, exit 2 (as train-signals refuses input), nothing on stdout."""
    print(f"torch_predict.py: {message}", file=sys.stderr)
    sys.exit(2)


def main():
    if len(sys.argv) != 3:
        refuse("usage: torch_predict.py model.safetensors sequences.json")
    torch.set_num_threads(1)
    model, inputs = sys.argv[1], sys.argv[2]
    try:
        tensors, meta = read_safetensors(model)
        rnn, fc, stride = build(tensors, meta)
    except OSError as e:
        refuse(f"{model}: {e.strerror}")
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, AssertionError, RuntimeError, OverflowError, struct.error) as e:
        refuse(f"{model}: not a model train-signals exported to safetensors ({type(e).__name__}: {e})".splitlines()[0])
    try:
        with open(inputs) as f:
            sequences = checked_sequences(json.load(f), meta["channels"])
    except OSError as e:
        refuse(f"{inputs}: {e.strerror}")
    except RecursionError:
        refuse(f"{inputs}: not JSON this script reads (nested too deeply)")
    except ValueError as e:
        refuse(f"{inputs}: not JSON ({e})".splitlines()[0])
    except Refused as e:
        refuse(f"{inputs}: {e}")
    rows = []
    with torch.no_grad():
        for n, raw in enumerate(sequences):
            try:
                rows.append(probabilities(rnn, fc, meta, stride, raw).tolist())
            except NoValue as e:
                channel = json.dumps(meta["channels"][e.args[0]])
                refuse(f"{inputs}: sequence {n + 1} has no value in channel {channel} (train-signals refuses such a sequence)")
            except Overflow:
                refuse(f"{inputs}: sequence {n + 1} has a value that overflows float32 once normalized or differenced (train-signals refuses such a sequence)")
    json.dump({"probabilities": rows}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
