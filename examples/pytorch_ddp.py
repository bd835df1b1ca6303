#!/usr/bin/python3
"""Continue training a train-signals model with PyTorch DistributedDataParallel, on CPUs or GPUs, on one
machine or many, and write it back in the file layout train-signals reads.

    torchrun --nproc_per_node=N examples/pytorch_ddp.py --init model.safetensors --data train.csv \\
        [--label-column label] [--id-column id] [--time-column t] [--format auto|wide|long] \\
        --epochs E [--lr 1e-3] [--batch-size 32] [--seed 1] --out continued.safetensors

(across machines: torchrun's --nnodes, --node_rank and --rdzv_endpoint; run without torchrun it is one process.)

--init is a file written by `train-signals export --safetensors` (or by this script). The model is built from
that file alone, as tools/torch_predict.py builds it: nn.RNN (tanh) or nn.GRU (__metadata__ "cell") named
"rnn", over channels * stride inputs per step, bidirectional when the "_reverse" tensors are there, of two layers
when the "_l1" ones are (num_layers=2), and
nn.Linear "fc". Each sequence x [T][channels] is put on its own scale when __metadata__ has "sequenceNorm"
((x - mu) / s per channel, with mu and log s as channels too: s its standard deviation, 1 where that is 0), then gets its first differences as channels of their own when
__metadata__ has "differences" (torch.cat([x, x - torch.cat([x[:1], x[:-1]])], 1): 0 for the first sample), is
normalized with the file's statistics, (x - mean) / std per channel, resampled to L samples when __metadata__ has "resample" (L: F.interpolate, linear, align_corners, in float64),
cut into F = ceil(T / stride) frames F.pad(x, (0, 0, pad, 0)).reshape(F, stride * channels),
pad = F * stride - T, and read out as "last" (the forward state after the sequence's own last frame, the reverse
state after its first), "mean" (each direction's mean over the sequence's own F steps) or "max" (each unit's
maximum over them). Sequences of
different lengths share a batch through pack_padded_sequence, so padding never reaches the recurrence.

Training: cross-entropy, Adam, gradients clipped to global norm 1.0 (as train-signals does; the rows of
rnn.bias_hh that PyTorch adds to rnn.bias_ih, which train-signals holds as one bias, get no gradient, so that
sum moves as train-signals moves its bias rather than twice as far), DistributedSampler
(each process takes 1/N of every epoch; --batch-size is per process, so a step sees N * batch-size sequences).
Backend gloo on CPU, nccl when CUDA is available (one GPU per process, by LOCAL_RANK).

Output: the unwrapped model's state_dict (not the DDP wrapper's "module." names) with the input's tensor names,
shapes, order and __metadata__ unchanged, written by rank 0 only, atomically (a temporary file, then rename).
`train-signals evaluate --model continued.safetensors test.csv`, `train-signals export --model ... --onnx` and
`train-signals train --init continued.safetensors` take it.

Data: the two CSV layouts of train-signals (docs/data.md):
  wide  one sequence per row, one channel ("value"). A first row with a cell equal to --label-column, or with a
        non-numeric cell after the first, is a header, and the label is the column so named; without a header
        the label is the first cell. Trailing empty (or NaN, NA) cells are ignored (rows may differ in length).
  long  a header with --id-column, an optional --time-column and --label-column; every other column is a
        channel. A sequence's rows may come in any order and are sorted by time.
A value missing inside a sequence (an empty cell, NaN, NA, #N/A) is filled as train-signals fills it: linearly
between the values beside it, the nearest value at a sequence's start or end.
auto picks long when the first row has a cell equal to --id-column. Labels must be classes of the model.

Needs Python 3 and PyTorch only. It uses the `safetensors` package when it is installed and otherwise reads and
writes the format itself (8-byte little-endian header length, JSON header, raw little-endian F32 data).
"""

import argparse
import array
import csv
import ctypes
import json
import math
import os
import re
import socket
import struct
import sys

try:
    import torch
except ImportError:
    sys.exit("pytorch_ddp.py: this Python has no PyTorch; install it (Debian: apt-get install python3-torch) or run another python")
import torch.distributed as dist
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

try:  # optional: the format is simple enough to read and write here when it is missing
    from safetensors import safe_open
    from safetensors.torch import save_file
except ImportError:
    safe_open = save_file = None

PROG = "pytorch_ddp.py"


class UserError(Exception):
    """Something wrong with the input or the arguments: printed as one line, exit status 1."""


# ---- safetensors ----

def read_safetensors(path):
    """([(name, float32 tensor)] in the file's data order, __metadata__ as the file's own strings)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise UserError(f"{path}: cannot read the model file ({e.strerror})")
    if len(data) < 8:
        raise UserError(f"{path}: not a safetensors file ({len(data)} bytes)")
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        raise UserError(f"{path}: not a safetensors file, or truncated (header length {n} exceeds the file)")
    try:
        header = json.loads(data[8 : 8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise UserError(f"{path}: not a safetensors file (its header is not JSON)")
    if not isinstance(header, dict):
        raise UserError(f"{path}: not a safetensors file (its header is not a JSON object)")
    metadata = header.pop("__metadata__", None)
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise UserError(f"{path}: no __metadata__ of strings; export the model with train-signals export --safetensors")
    base = 8 + n
    tensors = []
    def start(item):
        offsets = item[1].get("data_offsets") if isinstance(item[1], dict) else None
        return offsets[0] if isinstance(offsets, list) and offsets and isinstance(offsets[0], int) else 0

    for name, t in sorted(header.items(), key=start):  # the file's data order, which the output keeps
        if not isinstance(t, dict) or t.get("dtype") != "F32":
            raise UserError(f"{path}: tensor {name} is not F32; this script reads train-signals' F32 files")
        shape, offsets = t.get("shape"), t.get("data_offsets")
        if not (isinstance(shape, list) and all(isinstance(d, int) and d >= 0 for d in shape)
                and isinstance(offsets, list) and len(offsets) == 2 and all(isinstance(o, int) for o in offsets)):
            raise UserError(f"{path}: tensor {name}: shape {shape} or data_offsets {offsets} is not a list of integers")
        begin, end = offsets
        count = math.prod(shape)
        if end - begin != 4 * count or begin < 0 or base + end > len(data):
            raise UserError(f"{path}: tensor {name}: data_offsets {t.get('data_offsets')} do not hold {shape} F32 values")
        values = array.array("f")
        values.frombytes(data[base + begin : base + end])
        if sys.byteorder == "big":
            values.byteswap()
        tensor = torch.frombuffer(values, dtype=torch.float32).clone() if count > 0 else torch.zeros(0)
        tensors.append((name, tensor.reshape(shape)))
    return tensors, metadata


def load_model_file(path):
    if safe_open is None:
        return read_safetensors(path)
    try:
        with safe_open(path, framework="pt") as f:
            metadata = f.metadata() or {}
            tensors = {name: f.get_tensor(name) for name in f.keys()}
    except Exception as e:  # the package's own errors name no common base class
        raise UserError(f"{path}: cannot read it as a safetensors file ({e})")
    if any(t.dtype != torch.float32 for t in tensors.values()):
        raise UserError(f"{path}: a tensor is not F32; this script reads train-signals' F32 files")
    return list(tensors.items()), metadata


def write_safetensors(path, tensors, metadata):
    """tensors [(name, float32 tensor)] in this order and metadata {str: str}, to path via a temporary file."""
    tmp = f"{path}.tmp-{os.getpid()}"
    if save_file is not None:
        save_file(dict(tensors), tmp, metadata=metadata)
    else:
        header = {"__metadata__": metadata}
        chunks = []
        at = 0
        for name, t in tensors:
            t = t.detach().to("cpu", torch.float32).contiguous()
            raw = ctypes.string_at(t.data_ptr(), 4 * t.numel())  # the tensor's bytes, in this machine's order
            if sys.byteorder == "big":
                values = array.array("f")
                values.frombytes(raw)
                values.byteswap()
                raw = values.tobytes()
            header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [at, at + len(raw)]}
            chunks.append(raw)
            at += len(raw)
        head = json.dumps(header, separators=(",", ":")).encode("utf-8")
        head += b" " * (-len(head) % 8)  # the data starts 8-byte aligned
        with open(tmp, "wb") as f:
            f.write(struct.pack("<Q", len(head)))
            f.write(head)
            for raw in chunks:
                f.write(raw)
            f.flush()
            os.fsync(f.fileno())
    os.replace(tmp, path)


# ---- the model ----

def meta_value(metadata, key, path, default=None):
    if key not in metadata:
        if default is not None:
            return default
        raise UserError(f'{path}: __metadata__ lacks "{key}"; export the model with train-signals export --safetensors')
    try:
        return json.loads(metadata[key])
    except json.JSONDecodeError:
        return metadata[key]  # a bare string, as a hand-written file may hold: mean, gru


class SignalClassifier(nn.Module):
    """rnn + fc under the file's names; forward(frames [N, F, D] zero-padded, lengths [N] in frames) -> logits."""

    def __init__(self, tensors, metadata, path):
        super().__init__()
        names = dict(tensors)
        self.classes = meta_value(metadata, "classes", path)
        self.channels = meta_value(metadata, "channels", path)
        self.readout = meta_value(metadata, "readout", path)
        self.stride = meta_value(metadata, "stride", path, 1)
        self.resample = meta_value(metadata, "resample", path, 0)
        self.differences = meta_value(metadata, "differences", path, False) is True
        self.sequence_norm = meta_value(metadata, "sequenceNorm", path, False) is True
        cell = meta_value(metadata, "cell", path, "rnn")
        norm = meta_value(metadata, "normalization", path)
        if self.readout not in ("last", "mean", "max"):
            raise UserError(f'{path}: __metadata__ "readout" is {self.readout!r}, not "last", "mean" or "max"')
        if cell not in ("rnn", "gru"):
            raise UserError(f'{path}: __metadata__ "cell" is {cell!r}, not "rnn" or "gru"')
        if "rnn.weight_ih_l0" not in names:
            module = " (names start with \"module.\": save the unwrapped model's state_dict)" if any(n.startswith("module.") for n in names) else ""
            raise UserError(f'{path}: no tensor "rnn.weight_ih_l0"{module}')
        rows, D = names["rnn.weight_ih_l0"].shape
        width = len(self.channels) * (3 if self.sequence_norm else 1) * (2 if self.differences else 1)
        if D != width * self.stride:
            times = ", ".join(w for w in ("three times, with the sequence normalization" if self.sequence_norm else "", "twice, with their differences" if self.differences else "") if w)
            raise UserError(f"{path}: rnn.weight_ih_l0 reads {D} inputs per step, not channels ({len(self.channels)}{' ' + times if times else ''}) x stride ({self.stride})")
        H = rows // 3 if cell == "gru" else rows
        bidirectional = "rnn.weight_ih_l0_reverse" in names
        layers = 2 if "rnn.weight_ih_l1" in names else 1
        rnn_class = nn.GRU if cell == "gru" else nn.RNN
        self.rnn = rnn_class(D, H, batch_first=True, bidirectional=bidirectional, num_layers=layers)  # nn.RNN: tanh, h_0 = 0
        # The rows of bias_hh that PyTorch adds to bias_ih (all of them for the tanh RNN; r and z for the GRU, whose
        # n row the reset gate multiplies): train-signals holds one bias there, so they take no step of their own.
        self.tied_rows = 2 * H if cell == "gru" else H
        self.fc = nn.Linear((2 if bidirectional else 1) * H, len(self.classes))
        try:
            self.load_state_dict(dict(tensors))  # strict: every name and shape, nothing missing or extra
        except RuntimeError as e:
            raise UserError(f"{path}: its tensors are not those of an nn.RNN/nn.GRU \"rnn\" of one or two layers and nn.Linear \"fc\": {e}")
        if norm is None:
            self.mean = self.std = None
        else:
            self.mean = torch.tensor(norm["mean"], dtype=torch.float32)
            self.std = torch.tensor(norm["std"], dtype=torch.float32)

    def zero_tied_bias_gradients(self):
        """Zeroes the gradient of bias_hh's rows that only repeat bias_ih's (tied_rows): both would take the
        same step, moving their sum twice as far as train-signals moves its one bias, and count twice in clipping."""
        for name, p in self.rnn.named_parameters():
            if name.startswith("bias_hh") and p.grad is not None:
                p.grad[: self.tied_rows] = 0

    def frames(self, x):
        """A raw sequence [T][channels] as the model's input [F][stride * width] (differences, normalized, framed)."""
        if self.sequence_norm:  # each channel on its sequence's scale, then that level and log scale as channels
            r = x.double()
            mu = r.mean(0, keepdim=True)
            sigma = r.std(0, unbiased=False, keepdim=True)
            s = torch.where(sigma > 0, sigma, torch.ones_like(sigma))
            x = torch.cat([(r - mu) / s, mu.expand_as(r), s.log().expand_as(r)], 1).float()
        if self.differences:  # each sample's values, then its first differences (0 for the first sample)
            x = torch.cat([x, x - torch.cat([x[:1], x[:-1]])], 1)
        if self.mean is not None:
            x = (x - self.mean) / self.std
        if self.resample:  # every sequence to the model's L samples, as train-signals does (linear, ends kept)
            x = nn.functional.interpolate(x.T[None].double(), self.resample, mode="linear", align_corners=True)[0].T.float()
        T, s = x.shape[0], self.stride
        F = -(-T // s)
        return nn.functional.pad(x, (0, 0, F * s - T, 0)).reshape(F, s * x.shape[1])

    def forward(self, x, lengths):
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, h_n = self.rnn(packed)
        if self.readout == "last":
            # h_n [layers·K, N, H]: the last layer's forward direction after each sequence's own last frame, its
            # reverse after frame 0
            K = 2 if self.rnn.bidirectional else 1
            z = h_n[-K:].transpose(0, 1).reshape(x.shape[0], -1)
        elif self.readout == "max":
            y, _ = pad_packed_sequence(out, batch_first=True, total_length=x.shape[1], padding_value=-math.inf)
            z = y.max(1).values
        else:
            y, _ = pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])  # zeros past each length
            z = y.sum(1) / lengths.to(y.device, y.dtype).unsqueeze(1)
        return self.fc(z)


# ---- data ----

DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def number(cell):
    """A decimal number cell as a float, or None (empty, nan, inf, hex, out of float32 range, text)."""
    s = cell.strip()
    if not DECIMAL.fullmatch(s):
        return None
    x = float(s)
    try:
        struct.pack("<f", x)
    except OverflowError:
        return None
    return x if math.isfinite(x) else None


MISSING = re.compile(r"[+-]?nan|na|#n/a", re.IGNORECASE)


def missing(cell):
    """Whether a cell marks a value missing: empty, NaN, R's NA or a spreadsheet's #N/A (as train-signals reads them)."""
    s = cell.strip()
    return s == "" or MISSING.fullmatch(s) is not None


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def fill_gaps(values, path, line):
    """Fills the None values of values [T][D] in place as train-signals does (src/data/gaps.ts): linearly between
    the read values beside a gap, in float32 as train-signals stores them, and with the nearest read value at a
    sequence's start or end."""
    for d in range(len(values[0])):
        a = -1  # the last read step so far
        for t in range(len(values)):
            v = values[t][d]
            if v is None:
                continue
            for s in range(a + 1, t):
                values[s][d] = f32(v) if a < 0 else f32(f32(values[a][d]) + ((f32(v) - f32(values[a][d])) * (s - a)) / (t - a))
            a = t
        if a < 0:
            raise UserError(f"{path}:{line}: channel {d + 1} has no value in this sequence, so its gaps cannot be filled; leave the sequence out")
        for s in range(a + 1, len(values)):
            values[s][d] = f32(values[a][d])


def rows_of(path):
    """(line, cells) for every non-blank record; line is the record's first line (header counted)."""
    try:
        f = open(path, newline="", encoding="utf-8-sig")
    except OSError as e:
        raise UserError(f"{path}: cannot read the data file ({e.strerror})")
    with f:
        reader = csv.reader(f, strict=True)
        line = 1
        try:
            for cells in reader:
                if not (len(cells) == 1 and cells[0].strip() == "") and cells:
                    yield line, cells
                line = reader.line_num + 1
        except (csv.Error, UnicodeDecodeError) as e:
            raise UserError(f"{path}:{line}: cannot read it as UTF-8 CSV ({e})")


def read_wide(path, records, label_column, id_column):
    line, first = records[0]
    header = None
    names = sum(1 for c in first[1:] if c.strip() != "" and number(c) is None and c.strip().lower().lstrip("+-") != "nan")
    numbers = sum(1 for c in first[1:] if c.strip() != "") - names
    # As train-signals: a header names the label column, or most of its cells after the first are not numbers.
    if any(c.strip() == label_column for c in first) or names > numbers:
        header = [c.strip() for c in first]
        while header and header[-1] == "":
            header.pop()
        if label_column not in header:
            raise UserError(f"{path}:{line}: the first row looks like a header but has no column {label_column!r}; pass --label-column")
        label_at = header.index(label_column)
        id_at = header.index(id_column) if id_column in header else -1
        records = records[1:]
    else:
        label_at, id_at = 0, -1
    sequences = []
    for line, cells in records:
        end = len(cells)
        while end > 0 and missing(cells[end - 1]):
            end -= 1  # trailing empty or NaN cells pad a shorter row, as the UCR archive writes them
        if header is not None and end > len(header):
            raise UserError(f"{path}:{line}: {end} cells but the header has {len(header)}")
        label = cells[label_at].strip() if label_at < end else ""
        if label == "":
            raise UserError(f"{path}:{line}: missing label; every sequence needs one")
        values = []
        for i in range(end):
            if i in (label_at, id_at):
                continue
            x = number(cells[i])
            if x is None and not missing(cells[i]):  # a missing one before the row's end is a gap, filled below
                raise UserError(f"{path}:{line}: column {i + 1}: {cells[i].strip()!r} is not a finite decimal number")
            values.append([x])
        if not values:
            raise UserError(f"{path}:{line}: the row has no values; a sequence needs at least one time step")
        fill_gaps(values, path, line)
        sequences.append((values, label, line))
    return ["value"], sequences


def read_long(path, records, label_column, id_column, time_column):
    line, first = records[0]
    header = [c.strip() for c in first]
    if len(set(header)) != len(header):
        raise UserError(f"{path}:{line}: duplicate column names in the header")
    if id_column not in header:
        raise UserError(f"{path}:{line}: the long layout needs an id column {id_column!r}; pass --id-column")
    if label_column not in header:
        raise UserError(f"{path}:{line}: no label column {label_column!r}; pass --label-column")
    id_at, label_at = header.index(id_column), header.index(label_column)
    time_at = header.index(time_column) if time_column in header else -1
    channel_at = [i for i in range(len(header)) if i not in (id_at, label_at, time_at)]
    if not channel_at:
        raise UserError(f"{path}:{line}: no channel columns (only id, time and label)")
    steps = {}  # id -> [label, first line, [(time, row number, values)]], in first-appearance order
    for row, (line, cells) in enumerate(records[1:]):
        if len(cells) != len(header):
            raise UserError(f"{path}:{line}: {len(cells)} cells but the header has {len(header)}")
        sid, label = cells[id_at].strip(), cells[label_at].strip()
        if sid == "":
            raise UserError(f"{path}:{line}: empty id")
        if label == "":
            raise UserError(f"{path}:{line}: missing label; every sequence needs one")
        t = row
        if time_at >= 0:
            t = number(cells[time_at])
            if t is None:
                raise UserError(f"{path}:{line}: time {cells[time_at].strip()!r} is not a finite number")
        values = []
        for i in channel_at:
            x = number(cells[i])
            if x is None and not missing(cells[i]):  # a missing reading is a gap, filled once the rows are in time order
                raise UserError(f"{path}:{line}: column {header[i]!r}: {cells[i].strip()!r} is not a finite decimal number")
            values.append(x)
        entry = steps.setdefault(sid, [label, line, []])
        if entry[0] != label:
            raise UserError(f"{path}:{line}: label changes from {entry[0]!r} to {label!r} within sequence {sid!r}")
        entry[2].append((t, line, values))
    if not steps:
        raise UserError(f"{path}: the header has no data rows under it")
    sequences = []
    for sid, (label, first_line, rows) in steps.items():
        rows.sort(key=lambda r: r[0])  # stable: rows without a time column keep their order
        for a, b in zip(rows, rows[1:]):
            if time_at >= 0 and a[0] == b[0]:
                raise UserError(f"{path}:{b[1]}: duplicate time {b[0]} for id {sid!r} (also on line {a[1]})")
        values = [r[2] for r in rows]
        fill_gaps(values, path, first_line)
        sequences.append((values, label, first_line))
    return [header[i] for i in channel_at], sequences


def read_data(path, fmt, label_column, id_column, time_column):
    """(channel names, [(values [T][channels], label, line)]) from a CSV file in either layout."""
    records = list(rows_of(path))
    if not records:
        raise UserError(f"{path}: the file is empty")
    long = fmt == "long" or (fmt == "auto" and any(c.strip() == id_column for c in records[0][1]))
    if long:
        return read_long(path, records, label_column, id_column, time_column)
    return read_wide(path, records, label_column, id_column)


def examples(model, path, channels, sequences):
    """(framed inputs [F][stride * channels], class index) of every sequence; unknown labels are refused."""
    if channels != model.channels:
        raise UserError(f"{path}: channels {channels} differ from the model's {model.channels}")
    index = {c: i for i, c in enumerate(model.classes)}
    out = []
    for values, label, line in sequences:
        if label not in index:
            raise UserError(f"{path}:{line}: label {label!r} is not a class of the model ({', '.join(model.classes)})")
        out.append((model.frames(torch.tensor(values, dtype=torch.float32)), index[label]))
    return out


def collate(batch):
    lengths = torch.tensor([x.shape[0] for x, _ in batch], dtype=torch.int64)
    return pad_sequence([x for x, _ in batch], batch_first=True), lengths, torch.tensor([y for _, y in batch])


# ---- training ----

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def arguments():
    p = argparse.ArgumentParser(prog=PROG, description="Continue training a train-signals model with PyTorch DDP.")
    p.add_argument("--init", required=True, help="model.safetensors from train-signals export --safetensors")
    p.add_argument("--data", required=True, help="labelled training CSV (wide or long layout)")
    p.add_argument("--label-column", default="label")
    p.add_argument("--id-column", default="id")
    p.add_argument("--time-column", default="t")
    p.add_argument("--format", choices=["auto", "wide", "long"], default="auto")
    p.add_argument("--epochs", type=int, required=True)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--batch-size", type=int, default=32, help="sequences per process per step")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", required=True, help="where to write the continued .safetensors file")
    args = p.parse_args()
    if args.epochs < 0 or args.batch_size < 1 or not (args.lr > 0):
        p.error("--epochs must be >= 0, --batch-size >= 1 and --lr > 0")
    return args


def main():
    args = arguments()
    if "RANK" not in os.environ:  # run without torchrun: one process
        os.environ.update(RANK="0", LOCAL_RANK="0", WORLD_SIZE="1", MASTER_ADDR="127.0.0.1", MASTER_PORT=str(free_port()))
    rank, local_rank = int(os.environ["RANK"]), int(os.environ["LOCAL_RANK"])
    torch.manual_seed(args.seed)

    # Everything that can be wrong with the input fails here, before any process waits on another.
    try:
        tensors, metadata = load_model_file(args.init)
        model = SignalClassifier(tensors, metadata, args.init)
        channels, sequences = read_data(args.data, args.format, args.label_column, args.id_column, args.time_column)
        data = examples(model, args.data, channels, sequences)
    except UserError as e:
        if local_rank == 0:
            print(f"{PROG}: {e}", file=sys.stderr)
        sys.exit(1)

    cuda = torch.cuda.is_available()
    device = torch.device("cuda", local_rank) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    dist.init_process_group("nccl" if cuda else "gloo")
    world = dist.get_world_size()
    model.to(device)
    ddp = nn.parallel.DistributedDataParallel(model, device_ids=[local_rank] if cuda else None)

    sampler = torch.utils.data.distributed.DistributedSampler(data, shuffle=True, seed=args.seed)
    loader = torch.utils.data.DataLoader(data, batch_size=args.batch_size, sampler=sampler, collate_fn=collate)
    opt = torch.optim.Adam(ddp.parameters(), lr=args.lr)
    if rank == 0:
        print(f"{len(data)} sequences, {world} process(es), {'nccl' if cuda else 'gloo'}", flush=True)
    for epoch in range(args.epochs):
        sampler.set_epoch(epoch)
        ddp.train()
        total = torch.zeros(2, device=device)  # summed loss, sequences
        for x, lengths, y in loader:
            x, y = x.to(device), y.to(device)
            opt.zero_grad()
            loss = nn.functional.cross_entropy(ddp(x, lengths), y)
            loss.backward()  # DDP has averaged the gradients across the processes when this returns
            model.zero_tied_bias_gradients()
            nn.utils.clip_grad_norm_(ddp.parameters(), 1.0)
            opt.step()
            total += torch.stack([loss.detach() * len(y), torch.tensor(float(len(y)), device=device)])
        dist.all_reduce(total)
        if rank == 0:
            print(f"epoch {epoch + 1}/{args.epochs}: loss {(total[0] / total[1]).item():.4f}", flush=True)

    # Every process holds the same parameters (DDP keeps them in step), so every one decides alike here.
    state = model.state_dict()  # the unwrapped model: the file's own names, not "module."
    out = [(name, state[name].detach().to("cpu", torch.float32)) for name, _ in tensors]
    if not all(torch.isfinite(t).all() for _, t in out):
        if rank == 0:
            print(f"{PROG}: training diverged (a parameter is not finite); nothing written; lower --lr", file=sys.stderr)
        dist.destroy_process_group()
        sys.exit(1)
    if rank == 0:
        try:
            write_safetensors(args.out, out, metadata)
        except OSError as e:
            print(f"{PROG}: {args.out}: cannot write it ({e.strerror})", file=sys.stderr)
            sys.exit(1)
        print(f"safetensors: {args.out}", flush=True)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
