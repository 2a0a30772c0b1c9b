"""Command line: python -m infogan_lite {train, evaluate, export, bench} --help."""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from .config import TrainConfig


def _add_config_args(parser: argparse.ArgumentParser) -> None:
    """One --flag per TrainConfig field, with the dataclass's default (one source of truth)."""
    for f in dataclasses.fields(TrainConfig):
        default = f.default
        flag = "--" + f.name.replace("_", "-")
        if isinstance(default, bool):
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=default)
        elif isinstance(default, tuple):
            parser.add_argument(flag, type=int, nargs="*", default=list(default), metavar="K")
        else:
            kind = {"float": float, "int": int}.get(type(default).__name__, str)
            parser.add_argument(flag, type=kind, default=default)


def _config(args) -> TrainConfig:
    names = {f.name for f in dataclasses.fields(TrainConfig)}
    return TrainConfig(**{k: v for k, v in vars(args).items() if k in names})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infogan_lite", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("train", help="train an InfoGAN; checkpoints and record.json in --out-dir")
    _add_config_args(p)
    p.add_argument("--resume", action="store_true", help="continue from --out-dir/checkpoint.pt")
    p.add_argument("--no-progress", action="store_true")

    p = sub.add_parser("evaluate", help="c1 as a classifier: matched accuracy, NMI, ARI, usage")
    p.add_argument("source", help="a pretrained name (mnist) or a run folder with checkpoint.pt")
    p.add_argument("--data-root", default=None)

    p = sub.add_parser("export", help="write a run's weights as half-precision safetensors + manifest")
    p.add_argument("run_dir")
    p.add_argument("--name", required=True, help="pretrained name, e.g. mnist")
    p.add_argument("--dest", default=None, help="folder (default: the package's pretrained/)")

    p = sub.add_parser("bench", help="time training steps side by side")
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--batch-size", type=int, default=128)

    args = parser.parse_args(argv)
    try:
        return _run(args)
    except (ValueError, FileNotFoundError, RuntimeError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


def _run(args) -> int:
    if args.command == "train":
        from .train import train
        _, record = train(_config(args), resume=args.resume, progress=not args.no_progress)
        print(json.dumps({"steps": record["steps"], "train_seconds": record["train_seconds"],
                          "last": record["history"][-1] if record["history"] else None,
                          "eval": record["evals"][-1] if record["evals"] else None}, indent=1))
    elif args.command == "evaluate":
        from .pretrained import evaluate_source
        print(json.dumps(evaluate_source(args.source, args.data_root), indent=1))
    elif args.command == "export":
        from .pretrained import export_run
        print(export_run(args.run_dir, args.name, args.dest))
    elif args.command == "bench":
        from .bench import run_bench
        run_bench(steps=args.steps, batch_size=args.batch_size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
