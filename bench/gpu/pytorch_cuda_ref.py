#!/usr/bin/env python3
"""PyTorch side of gpu-check: the classifier-train model and batches in plain PyTorch eager, on the same device.

Two models on the same synthetic batches (pytorch_ref.py's token formula, every row full length, as gpu-check trains):
  * twin:  our TransformerClassifierModel written in PyTorch: embedding * sqrt(d) + sinusoidal positions, dropout 0.1,
           post-LN layers LN(x + Drop(MHA(x))), LN(x + Drop(FFN(x))) with separate W_q, W_k, W_v, W_o and fused
           attention (F.scaled_dot_product_attention, key padding mask, attention dropout 0), mean pooling, dropout,
           one logit; step = forward, BCE with logits, backward, loss.item(), clip_grad_norm_(1), AdamW(5e-4, wd 0.01),
           zero_grad: what gpu-check's raw TorchSharp loop does.
  * naive: pytorch_ref.py's TransformerClassifier (explicit attention, dropout 0.1 everywhere, 4 classes), imported
           from --ref, moved to the device: continuity with the CPU reference.
Precisions: fp32 (TF32 off), tf32 (float32 matmuls on tensor cores) and bf16 (torch.autocast). Also the twin's
inference rows/s in eval mode (blocks of --infer-batch rows of pytorch_ref's lengths, float32 as TF32 allows).
Prints one JSON line per measurement, then one summary line {"pytorch_cuda_ref": ...}.
"""
import argparse
import importlib.util
import json
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

DROPOUT = 0.1


def load_reference(path):
    spec = importlib.util.spec_from_file_location("pytorch_ref", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TwinAttention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.h, self.dh = heads, d // heads
        self.w_q, self.w_k, self.w_v, self.w_o = (nn.Linear(d, d) for _ in range(4))

    def forward(self, x, keep):
        b, t, d = x.shape
        q, k, v = (w(x).reshape(b, t, self.h, self.dh).transpose(1, 2) for w in (self.w_q, self.w_k, self.w_v))
        if hasattr(F, "scaled_dot_product_attention"):
            ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=keep)   # bool mask: True = attend
        else:   # PyTorch < 2.0: the same math written out
            scores = (q @ k.transpose(-2, -1)) / math.sqrt(self.dh)
            ctx = torch.softmax(scores.masked_fill(~keep, float("-inf")), dim=-1) @ v
        return self.w_o(ctx.transpose(1, 2).reshape(b, t, d))


class TwinLayer(nn.Module):
    def __init__(self, d, heads, ff):
        super().__init__()
        self.attn = TwinAttention(d, heads)
        self.w_1, self.w_2 = nn.Linear(d, ff), nn.Linear(ff, d)
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.drop1, self.drop2 = nn.Dropout(DROPOUT), nn.Dropout(DROPOUT)

    def forward(self, x, keep):
        x = self.norm1(x + self.drop1(self.attn(x, keep)))
        return self.norm2(x + self.drop2(self.w_2(F.relu(self.w_1(x)))))


class Twin(nn.Module):
    def __init__(self, ref, vocab, d_model, heads, layers, ff, seq_len):
        super().__init__()
        self.emb = nn.Embedding(vocab, d_model, padding_idx=0)
        self.register_buffer("pe", ref.sinusoidal_pe(seq_len, d_model))
        self.scale = math.sqrt(d_model)
        self.drop = nn.Dropout(DROPOUT)
        self.layers = nn.ModuleList([TwinLayer(d_model, heads, ff) for _ in range(layers)])
        self.head = nn.Linear(d_model, 1)

    def forward(self, tokens):
        is_token = tokens.ne(0)
        keep = is_token[:, None, None, :]
        x = self.drop(self.emb(tokens) * self.scale + self.pe[: tokens.shape[1]])
        for layer in self.layers:
            x = layer(x, keep)
        weights = is_token.unsqueeze(-1).to(x.dtype)
        pooled = (x * weights).sum(1) / weights.sum(1).clamp_min(1.0)
        return self.head(self.drop(pooled)).squeeze(-1)


def full_length_batch(batch, seq, vocab, k):
    ids = [[1 + (i * 7919 + j * 104729 + k * 13) % (vocab - 1) for j in range(seq)] for i in range(batch)]
    return torch.tensor(ids, dtype=torch.long), torch.tensor([float((i + k) % 2) for i in range(batch)])


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def time_training(model, step, ring, device, args):
    for s in range(args.warmup):
        step(*ring[s % len(ring)])
    sync(device)
    times, s = [], args.warmup
    for _ in range(args.windows):
        start = time.perf_counter()
        for _ in range(args.steps):
            step(*ring[s % len(ring)])
            s += 1
        sync(device)
        times.append(time.perf_counter() - start)
    return statistics.median(times) / args.steps


def train_path(name, model, binary, precision, ring, device, args):
    model.to(device).train()
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01)
    autocast = precision == "bf16"
    torch.backends.cuda.matmul.allow_tf32 = precision != "fp32"
    torch.backends.cudnn.allow_tf32 = precision != "fp32"
    losses = []

    def step(x, y):
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=autocast):
            out = model(x)
        loss = F.binary_cross_entropy_with_logits(out.float(), y) if binary else F.cross_entropy(out.float(), y.long())
        loss.backward()
        losses.append(loss.item())
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)

    seconds = time_training(model, step, ring, device, args)
    positions = ring[0][0].numel()
    record = dict(measure="train", path=f"{name}-{precision}", tokens_per_s=round(positions / seconds), ms_per_step=round(1000 * seconds, 3),
                  first_loss=losses[0], last_loss=losses[-1])
    print(json.dumps(record), flush=True)
    return record


def infer_path(model, ref, device, args):
    model.to(device).eval()
    torch.backends.cuda.matmul.allow_tf32 = True
    blocks = [ref.make_tokens(args.infer_batch, args.seq_len, args.vocab, 5000 + k).to(device) for k in range(4)]
    with torch.no_grad():
        def step(x, _):
            torch.sigmoid(model(x)).cpu()
        seconds = time_training(model, step, [(b, None) for b in blocks], device, args)
    record = dict(measure="infer", path="twin-tf32", rows_per_s=round(args.infer_batch / seconds, 1), ms_per_block=round(1000 * seconds, 3))
    print(json.dumps(record), flush=True)
    return record


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ref", required=True, help="pytorch_ref.py (its model and token formula are imported)")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--paths", default="twin,naive", help="comma-separated: twin, naive")
    ap.add_argument("--precisions", default="fp32,tf32,bf16")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=0, help="CPU threads (0: PyTorch's default)")
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--windows", type=int, default=5)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--infer-batch", type=int, default=256)
    for name, default in (("vocab", 16000), ("d-model", 128), ("heads", 4), ("layers", 2), ("ff", 512), ("seq-len", 256), ("batch", 32)):
        ap.add_argument("--" + name, type=int, default=default)
    args = ap.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    ref = load_reference(args.ref)
    ring = [tuple(t.to(device) for t in full_length_batch(args.batch, args.seq_len, args.vocab, k)) for k in range(4)]
    ring_naive = [(x, y.remainder(4)) for x, y in ring]   # pytorch_ref's model has 4 classes
    shape = dict(vocab=args.vocab, d_model=args.d_model, heads=args.heads, layers=args.layers, ff=args.ff, seq_len=args.seq_len)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    results = []
    for precision in args.precisions.split(","):
        if precision == "tf32" and device.type != "cuda":
            continue
        for name in args.paths.split(","):
            torch.manual_seed(args.seed)
            if name == "twin":
                model, binary = Twin(ref, **shape), True
            else:
                model, binary = ref.TransformerClassifier(**shape, classes=4), False
            results.append(train_path(name, model, binary, precision, ring if binary else ring_naive, device, args))
            del model
    torch.manual_seed(args.seed)
    inference = infer_path(Twin(ref, **shape), ref, device, args)
    summary = dict(framework="pytorch", version=torch.__version__, device=str(device),
                   gpu=torch.cuda.get_device_name(device) if device.type == "cuda" else None,
                   cuda=torch.version.cuda, cudnn=torch.backends.cudnn.version() if device.type == "cuda" else None,
                   settings=dict(shape, batch=args.batch, steps=args.steps, warmup=args.warmup, windows=args.windows),
                   paths={r["path"]: {k: v for k, v in r.items() if k not in ("measure", "path")} for r in results},
                   infer=inference,
                   peak_allocated_mb=round(torch.cuda.max_memory_allocated(device) / 2**20, 1) if device.type == "cuda" else None,
                   peak_reserved_mb=round(torch.cuda.max_memory_reserved(device) / 2**20, 1) if device.type == "cuda" else None)
    print(json.dumps({"pytorch_cuda_ref": summary}), flush=True)


if __name__ == "__main__":
    main()
