"""Command line: python -m infogan_lite {train, evaluate, report, export, bench, versions} --help."""
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


def _add_bench_args(p: argparse.ArgumentParser) -> None:
    """The bench subcommand's flags: BenchConfig's fields, with its defaults."""
    from .book.bench import BenchConfig
    d = BenchConfig()
    p.add_argument("--steps", type=int, default=d.steps, help="steps per variant per round")
    p.add_argument("--repeats", type=int, default=d.repeats, help="interleaved rounds")
    p.add_argument("--batch-size", type=int, default=d.batch_size)
    p.add_argument("--device", default=d.device)
    p.add_argument("--amp", default=d.amp, choices=["auto", "off", "bf16", "fp16"])
    p.add_argument("--compile", action=argparse.BooleanOptionalAction, default=d.compile)
    p.add_argument("--threads", type=int, default=d.threads, help="torch CPU threads (0: default)")
    p.add_argument("--data", default=d.data, choices=["real", "synthetic"],
                   help="real MNIST (and torchvision's loader for the naive loop), or random images")
    p.add_argument("--data-root", default=None)
    p.add_argument("--memory", action=argparse.BooleanOptionalAction, default=d.memory,
                   help="peak memory of each variant in a fresh process (slower)")
    p.add_argument("--clock", default=d.clock, choices=["auto", "wall", "cpu"])
    p.add_argument("--variants", nargs="+", default=list(d.variants),
                   help="naive, loop, compute, gan")
    p.add_argument("--ablate", action="store_true",
                   help="instead: the loop with each fast-path option switched alone")


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

    p = sub.add_parser("report", help="a run's c1 metrics, code effects and traversal grids, to files")
    p.add_argument("run_dir", help="a run folder with checkpoint.pt (and record.json)")
    p.add_argument("--out", required=True, help="folder for report.json and c1.png, c2.png, ...")
    p.add_argument("--data-root", default=None)
    p.add_argument("--n-noise", type=int, default=200, help="noise vectors for the code effects")
    p.add_argument("--refit-steps", type=int, default=300,
                   help="shapes runs only: batches to refit a fresh Q head on the finished G (0: none)")

    p = sub.add_parser("export", help="write a run's weights as safetensors + manifest")
    p.add_argument("run_dir")
    p.add_argument("--name", required=True, help="pretrained name, e.g. mnist")
    p.add_argument("--dest", default=None, help="folder (default: the package's pretrained/)")
    p.add_argument("--storage", default="int8", choices=["int8", "fp16"],
                   help="int8 weight matrices with per-row scales (default), or all float16")

    p = sub.add_parser("bench", help="time training loops side by side (chapter 6)")
    _add_bench_args(p)

    sub.add_parser("versions", help="versions of Python, the libraries and the device, as JSON")

    args = parser.parse_args(argv)
    try:
        return _run(args)
    except (ValueError, OSError, RuntimeError, FloatingPointError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


def _run(args) -> int:
    if args.command == "train":
        from .train import train
        _, record = train(_config(args), resume=args.resume, progress=not args.no_progress)
        print(json.dumps({"step": record["step"], "train_seconds": record["train_seconds"],
                          "last": record["history"][-1] if record["history"] else None,
                          "eval": record["evals"][-1] if record["evals"] else None}, indent=1))
    elif args.command == "evaluate":
        from .pretrained import evaluate_source
        print(json.dumps(evaluate_source(args.source, args.data_root), indent=1))
    elif args.command == "report":
        from .book.report import report_run
        r = report_run(args.run_dir, args.out, args.data_root, args.n_noise, args.refit_steps)
        print(json.dumps({"step": r["step"], "c1": r["c1"] and {k: r["c1"][k] for k in
                          ("accuracy", "nmi", "ari")},
                          "codes": {c: {t: round(v["mean"], 3) for t, v in d.items()}
                                    for c, d in r["codes"].items()}}, indent=1))
    elif args.command == "export":
        from .pretrained import export_run
        print(export_run(args.run_dir, args.name, args.dest, args.storage))
    elif args.command == "bench":
        from .book.bench import BenchConfig, ablate, run
        cfg = BenchConfig(**{k: tuple(v) if k == "variants" else v
                             for k, v in vars(args).items() if k not in ("command", "ablate")})
        (ablate if args.ablate else run)(cfg)
    elif args.command == "versions":
        from .versions import versions
        print(json.dumps(versions(), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
