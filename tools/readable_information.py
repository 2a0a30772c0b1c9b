"""Readable information about c1: every reader x every MNIST model (chapter 5's table).

For each model, draw pairs (x = G(z, c), c1) from it, train the readers of
infogan_lite/book/readers.py (linear probe on pixels, fresh Q head on the frozen D trunk,
full CNN from scratch) with early stopping on a validation sample, score them and the
model's own Q on fresh held-out pairs, and write everything to
infogan_lite/results/mnist/readable/readable.json.

    .venv/bin/python tools/readable_information.py            # the models of chapter 5
    .venv/bin/python tools/readable_information.py --only plain/seed0 --out /tmp/r.json

The models are training runs that are not shipped (the commands that make them are in
infogan_lite/results/mnist/readable/README.md): runs/plain, runs/baseline (2,000 steps) and
the 2,000-step snapshots of runs/criterion; a model whose file is missing is skipped with a
message. One CPU thread (torch.set_num_threads(1)).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from infogan_lite.book.readers import code_effect, read_model, read_stream  # noqa: E402
from infogan_lite.checkpoint import model_from_checkpoint  # noqa: E402
from infogan_lite.versions import versions  # noqa: E402

# name -> (model kind, training seed, weights file relative to the repository)
MODELS = {
    "plain/seed0": ("plain GAN", 0, "runs/plain/seed0/checkpoint.pt"),
    "plain/seed1": ("plain GAN", 1, "runs/plain/seed1/checkpoint.pt"),
    "baseline/seed1": ("GAN + Q", 1, "runs/baseline/seed1/checkpoint.pt"),
    "baseline/seed2": ("GAN + Q", 2, "runs/baseline/seed2/checkpoint.pt"),
    "criterion/seed13": ("InfoGAN", 13, "runs/criterion/seed13/snapshots/step002000.pt"),
    "criterion/seed14": ("InfoGAN", 14, "runs/criterion/seed14/snapshots/step002000.pt"),
}
SIZES = {"n_train": 10_000, "n_val": 1_000, "n_test": 4_000}
STEPS = {"linear": 2_000, "q_head": 1_500, "cnn": 800}
STREAM_STEPS = 2_000          # the CNN on fresh samples: 128,000 pairs, none seen twice
BATCH, LR = 64, 1e-3          # Adam, every reader
READER_SEED = 0


def finished(name: str, path: Path) -> bool:
    """A run's checkpoint counts only once the run wrote record.json (a snapshot: once it exists)."""
    if path.parent.name == "snapshots":
        return path.exists()
    return (path.parent / "record.json").exists()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", nargs="*", help="model names (default: all of MODELS)")
    p.add_argument("--out", default=str(ROOT / "infogan_lite/results/mnist/readable/readable.json"))
    p.add_argument("--stream", action="store_true",
                   help="instead: add the CNN reader trained on fresh samples (cnn_stream, "
                        f"{STREAM_STEPS} steps) to these models' rows")
    p.add_argument("--effects", action="store_true",
                   help="instead: add only how far c1 and z move the images (code_effect)")
    p.add_argument("--pretrained", action="store_true",
                   help="also read load_pretrained('mnist'), the committed model")
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    out = Path(args.out)
    result = {"models": {}}
    result.update({"sizes": SIZES, "steps": STEPS, "reader_seed": READER_SEED,
                   "lr": LR, "batch": BATCH, "optimizer": "Adam",
                   "early_stopping": "best validation L_I, checked 20 times per reader",
                   "versions": versions()})
    names = list(MODELS) if args.only is None else args.only
    for name in names:
        kind, seed, rel = MODELS[name]
        path = ROOT / rel
        if not finished(name, path):
            print(f"skip {name}: {rel} is not finished yet", flush=True)
            continue
        t, cpu = time.perf_counter(), time.process_time()
        model = model_from_checkpoint(path)[0]

        def log(reader, step, v, name=name):
            print(f"  {name} {reader} step {step}: validation L_I {v:.3f}", flush=True)

        if args.effects:
            _add_reader(out, name, "effect", code_effect(model))
            continue
        if args.stream:
            row = read_stream(model, SIZES["n_val"], SIZES["n_test"], STREAM_STEPS,
                              seed=READER_SEED, batch=BATCH, lr=LR, log=log)
            row["cpu_seconds"] = round(time.process_time() - cpu, 1)
            _add_reader(out, name, "cnn_stream", row)
            print(name, "cnn_stream", round(row["frac"], 3), flush=True)
            continue
        row = read_model(model, **SIZES, steps=STEPS, seed=READER_SEED, batch=BATCH, lr=LR,
                         log=log)
        result["models"][name] = {"kind": kind, "seed": seed, "weights": rel,
                                  "seconds": round(time.perf_counter() - t, 1),
                                  "cpu_seconds": round(time.process_time() - cpu, 1), **row}
        _write(out, result, name)
        print(name, {r: round(row[r]["frac"], 3) for r in ("linear", "q_head", "cnn", "own_q")},
              f"{time.perf_counter() - t:.0f} s", flush=True)
    if args.pretrained:
        from infogan_lite import load_pretrained
        from infogan_lite.pretrained import PRETRAINED_DIR
        manifest = json.loads((PRETRAINED_DIR / "mnist.json").read_text())
        t, cpu = time.perf_counter(), time.process_time()
        row = read_model(load_pretrained("mnist"), **SIZES, steps=STEPS, seed=READER_SEED,
                         batch=BATCH, lr=LR)
        result["models"]["pretrained/mnist"] = {
            "kind": f"InfoGAN ({manifest['steps']:,} steps)", "seed": manifest["seed"],
            "weights": "load_pretrained('mnist')", "seconds": round(time.perf_counter() - t, 1),
            "cpu_seconds": round(time.process_time() - cpu, 1), **row}
        _write(out, result, "pretrained/mnist")
    return 0


def _add_reader(out: Path, name: str, reader: str, row: dict) -> None:
    """Add one reader's result (or the code's effect) to model `name`'s row in the file."""
    on_disk = json.loads(out.read_text())
    on_disk["models"][name][reader] = row
    on_disk["stream_steps"] = STREAM_STEPS
    tmp = out.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(on_disk, indent=1))
    tmp.replace(out)


def _write(out: Path, result: dict, name: str) -> None:
    """Add model `name` to the file (read again just before writing, so that several
    processes, one per model, can fill the same file)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    on_disk = json.loads(out.read_text()) if out.exists() else {"models": {}}
    on_disk.update({k: v for k, v in result.items() if k != "models"})
    on_disk["models"][name] = result["models"][name]
    tmp = out.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(on_disk, indent=1))
    tmp.replace(out)


if __name__ == "__main__":
    raise SystemExit(main())
