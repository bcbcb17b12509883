#!/usr/bin/env python3
"""Summarizes a run-on-device.sh output folder into summary.json and prints it as the last line.

Reads from the output folder gpu-check.json (the check program's document) and pytorch.log (pytorch_cuda_ref.py's
lines), and from the details folder steps.tsv, torch.json, machine.txt, bundle-manifest.json and gpu-memory.samples
(nvidia-smi every 0.5 s); summary.json holds all of it, gpu-check's whole document included. It checks the issue's targets where their inputs exist:
  * every phase of gpu-check passed (its own checks: CUDA smoke test, same results as the CPU, scoring agreement, ...);
  * our trainer >= 0.95x the raw TorchSharp loop, per precision;
  * our bf16 training step >= 1.0x PyTorch eager with autocast on the same model (twin-bf16), same shape only;
  * block scoring >= 10x PredictionEngine rows/s.
Exit code 0 when no step failed, gpu-check's checks passed and, on CUDA, the PyTorch side ran and every target held
(the --cpu rehearsal's ratios are printed, not judged: its shapes are tiny); else 1.
"""
import argparse
import json
import os
import sys


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def read_text(path):
    try:
        with open(path) as f:
            return f.read().splitlines()
    except OSError:
        return None


def read_steps(path):
    steps = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 3:
                    steps.append(dict(name=parts[0], status=parts[1], seconds=int(parts[2]), note=parts[3] if len(parts) > 3 else None))
    return steps


def read_pytorch(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        for line in f:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if "pytorch_cuda_ref" in record:
                return record["pytorch_cuda_ref"]
    return None


def peak_samples(path):
    values = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                try:
                    values.append(float(line.strip().split(",")[0]))
                except ValueError:
                    pass
    return max(values) if values else None


def same_shape(ours, theirs):
    keys = dict(vocab="vocab", d_model="d_model", heads="heads", layers="layers", d_ff="ff", seq="seq_len", batch="batch")
    return all(ours.get(a) == theirs.get(b) for a, b in keys.items())


def targets(check, pytorch):
    found = []

    def add(name, value, target):
        found.append(dict(name=name, value=None if value is None else round(value, 3), target=target,
                          met=None if value is None or target is None else value >= target))

    phases = (check or {}).get("phases", {})
    training = phases.get("training", {})
    paths = training.get("paths", {})
    for key, value in training.get("ratios", {}).items():
        if key.startswith("trainer_over_raw_"):
            add(key, value, 0.95)
    if pytorch and "trainer-bf16" in paths and same_shape(training.get("settings", {}), pytorch.get("settings", {})):
        twin = pytorch.get("paths", {}).get("twin-bf16")
        if twin:
            add("trainer_bf16_over_pytorch_autocast", paths["trainer-bf16"]["tokens_per_s"] / twin["tokens_per_s"], 1.0)
            add("raw_bf16_over_pytorch_autocast", paths["raw-bf16"]["tokens_per_s"] / twin["tokens_per_s"], None)   # reported only
    scoring = phases.get("scoring", {}).get("ratios", {})
    if "transform_over_engine" in scoring:
        add("transform_over_engine", scoring["transform_over_engine"], 10.0)
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--details", help="the folder of the small files (default: the output folder)")
    ap.add_argument("--mode", default="cuda")
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args()
    details = args.details or args.out
    steps = read_steps(os.path.join(details, "steps.tsv"))
    check = read_json(os.path.join(args.out, "gpu-check.json"))
    pytorch = read_pytorch(os.path.join(args.out, "pytorch.log"))
    found = targets(check, pytorch)
    training = ((check or {}).get("phases", {}).get("training") or {}).get("paths", {})
    summary = dict(
        summary="gpu-check device run", mode=args.mode, dry_run=args.dry_run,
        bundle=read_json(os.path.join(details, "bundle-manifest.json")),
        torch=read_json(os.path.join(details, "torch.json")),
        machine=read_text(os.path.join(details, "machine.txt")),
        steps=steps,
        gpu_check=check,
        training_tokens_per_s={k: v.get("tokens_per_s") for k, v in training.items()},
        pytorch=pytorch,
        targets=found,
        nvidia_smi_peak_used_mb=peak_samples(os.path.join(details, "gpu-memory.samples")),
    )
    # a skipped step is fine (dry run, a bridge given, no torch for the CPU rehearsal); on CUDA both sides must have run
    # and the targets hold; the CPU rehearsal's tiny shapes make its ratios noise, so they are printed, not judged
    steps_ok = not any(s["status"].startswith("failed") for s in steps)
    checks_ok = args.dry_run or (check is not None and check.get("ok") is True)
    device_ok = args.mode != "cuda" or args.dry_run or (pytorch is not None and all(t["met"] is not False for t in found))
    summary["ok"] = steps_ok and checks_ok and device_ok
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    for s in steps:
        print(f"  {s['name']:<20} {s['status']:<12} {s['seconds']:>4} s  {s['note'] or ''}")
    for t in found:
        verdict = "" if t["target"] is None else f" (>= {t['target']}: {'met' if t['met'] else 'NOT met'})"
        print(f"  {'target' if t['target'] is not None else 'ratio'} {t['name']}: {t['value']}{verdict}")
    if check is not None:
        for failure in check.get("failures") or []:
            print(f"  gpu-check FAIL: {failure}")
    print(f"summary: {'ok' if summary['ok'] else 'NOT ok'} ({os.path.join(args.out, 'summary.json')})")
    print(json.dumps(dict((k, v) for k, v in summary.items() if k not in ("gpu_check", "machine"))))
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
