"""Command line: python -m infogan_lite {train, evaluate, report, export, bench, versions} --help
(or infogan-lite ..., the same program installed as a console script).

Nothing heavy is imported at the top: `--version` answers from the package's metadata without
loading torch, and a command loads what it needs (only `report` and `bench` load a chapter's
companion module, infogan_lite.book).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys

# Former names of flags, still accepted (TrainConfig.arch_name was called arch).
ALIASES = {"arch_name": ["--arch"]}
METAVARS = {"data_root": "DIR", "out_dir": "DIR", "device": "DEVICE", "categorical": "K"}


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Each option's help followed by its default, except where there is nothing to show
    (None, an on/off switch like --resume); a list default as it would be typed."""

    def _get_help_string(self, action):
        text = action.help or ""
        default = action.default
        if "%(default)" in text or default is None or default is argparse.SUPPRESS \
                or not action.option_strings:
            return text
        if action.nargs == 0 and not isinstance(action, argparse.BooleanOptionalAction):
            return text                                    # store_true: off unless given
        if isinstance(default, (list, tuple)):
            shown = " ".join(map(str, default)) or "none"
            return f"{text} (default: {shown.replace('%', '%%')})"
        return f"{text} (default: %(default)s)"


def _prog(argv0: str | None = None) -> str:
    """The program name for the usage lines: the basename of sys.argv[0], so `infogan-lite`
    for the console script, and `python -m infogan_lite` when run as a module (argv[0] is
    then this file, __main__.py) or from `python -c`."""
    if argv0 is None:
        argv0 = sys.argv[0] if sys.argv else ""
    name = os.path.basename(argv0)
    if name.lower().endswith(".exe"):                      # the Windows launcher
        name = name[:-4]
    return "python -m infogan_lite" if name in ("", "-c", "__main__.py") else name


def version() -> str:
    """The installed distribution's version, read from its metadata (no torch import); the
    package's own __version__ when it runs from a source tree that is not installed."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed_version

    from . import __version__
    try:
        return installed_version("infogan_lite")
    except PackageNotFoundError:
        return __version__


def _choices() -> dict[str, tuple]:
    """TrainConfig fields whose values are a fixed set: the command line offers exactly these.
    (TrainConfig.validate still names the valid values for the Python API.)"""
    from .accel import AMP_MODES
    from .architectures import ARCHITECTURES
    from .data import DATASETS
    return {"dataset": DATASETS, "arch_name": tuple(ARCHITECTURES), "amp": AMP_MODES}


def _field_help(name: str) -> str:
    """A TrainConfig field's help line: its metadata["help"] (one source of truth)."""
    from .config import TrainConfig
    field = next(f for f in dataclasses.fields(TrainConfig) if f.name == name)
    return field.metadata.get("help", "")


def _dataset_name(name: str) -> str:
    """A data set name normalised as data.check_name does (fashion_mnist -> fashion-mnist);
    an unknown name is passed on unchanged, for argparse to refuse with the list of choices."""
    from .data import check_name
    try:
        return check_name(name)
    except ValueError:
        return name


def _add_config_args(parser: argparse.ArgumentParser) -> None:
    """One --flag per TrainConfig field, with the dataclass's default and the help line of
    the field's metadata (one source of truth); choices where the values are a fixed set."""
    from .config import TrainConfig
    choices = _choices()
    for f in dataclasses.fields(TrainConfig):
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
        flag = "--" + f.name.replace("_", "-")
        kw = {"default": default, "help": f.metadata.get("help")}
        if isinstance(default, bool):
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, **kw)
            continue
        if isinstance(default, tuple):
            kw.update(type=int, nargs="*", default=list(default))
        else:
            annotation = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", "")
            annotation = annotation.removesuffix(" | None")      # an optional number
            kw["type"] = {"float": float, "int": int}.get(annotation) or \
                {float: float, int: int}.get(type(default), str)
        if f.name in choices:
            kw["choices"] = choices[f.name]
            if f.name == "dataset":
                kw["type"] = _dataset_name
        else:
            kw["metavar"] = METAVARS.get(f.name) or {int: "N", float: "X"}.get(kw["type"],
                                                                               f.name.upper())
        parser.add_argument(flag, *ALIASES.get(f.name, []), **kw)


def _add_bench_args(p: argparse.ArgumentParser) -> None:
    """The bench subcommand's flags: BenchConfig's fields, with its defaults. (Added only when
    the command line names `bench`: the benchmark is appendix A's companion module.)"""
    from .accel import AMP_MODES
    from .book.bench import BenchConfig
    d = BenchConfig()
    p.add_argument("--steps", type=int, default=d.steps, metavar="N",
                   help="steps per variant per round")
    p.add_argument("--repeats", type=int, default=d.repeats, metavar="N",
                   help="interleaved rounds; every variant runs once per round")
    p.add_argument("--batch-size", type=int, default=d.batch_size, metavar="N",
                   help="images per step")
    p.add_argument("--device", default=d.device, metavar="DEVICE",
                   help="where to run: auto (CUDA, else Apple's MPS, else the CPU), cpu, cuda, "
                        "cuda:N (the N-th GPU) or mps")
    p.add_argument("--amp", default=d.amp, choices=AMP_MODES,
                   help="mixed precision, as in train --amp; the naive loop always runs float32")
    p.add_argument("--compile", action=argparse.BooleanOptionalAction, default=d.compile,
                   help="torch.compile G and D (not the naive loop)")
    p.add_argument("--threads", type=int, default=d.threads, metavar="N",
                   help="CPU threads for torch; 0 keeps torch's default")
    p.add_argument("--data", default=d.data, choices=["real", "synthetic"],
                   help="real MNIST (and torchvision's loader for the naive loop), or random images")
    p.add_argument("--data-root", default=None, metavar="DIR", help=_field_help("data_root"))
    p.add_argument("--memory", action=argparse.BooleanOptionalAction, default=d.memory,
                   help="peak memory of each variant in a fresh process (slower)")
    p.add_argument("--clock", default=d.clock, choices=["auto", "wall", "cpu"],
                   help="wall time, or process CPU time; auto: CPU time for a 1-thread CPU run "
                        "(a busy machine disturbs it far less), else wall time")
    p.add_argument("--variants", nargs="+", default=list(d.variants), metavar="NAME",
                   help="naive (the anti-pattern loop), loop (infogan_lite's), compute (the "
                        "pure-compute floor), gan (a plain GAN step, no Q)")
    p.add_argument("--ablate", action="store_true",
                   help="instead: the loop with each fast-path option switched alone")


def _config(args):
    from .config import TrainConfig
    names = {f.name for f in dataclasses.fields(TrainConfig)}
    return TrainConfig(**{k: v for k, v in vars(args).items() if k in names})


def train_flags() -> dict[str, list[str]]:
    """The flags of `train`, read from its parser: {TrainConfig field: its option strings}
    (a yes/no field has two, e.g. --learn-sigma and --no-learn-sigma)."""
    sub = next(a for a in build_parser(bench=False)._actions if isinstance(a, argparse._SubParsersAction))
    return {a.dest: a.option_strings for a in sub.choices["train"]._actions
            if a.option_strings and a.dest != "help"}


def build_parser(prog: str | None = None, bench: bool = True) -> argparse.ArgumentParser:
    """The argument parser of the command line (prog: the name in its usage lines); with
    bench=False the bench command's flags are left out (they load its companion module)."""
    prog = prog or _prog()
    parser = argparse.ArgumentParser(
        prog=prog, formatter_class=_HelpFormatter,
        description=f"InfoGAN (Chen et al., 2016) from the command line: train, evaluate, report, "
                    f"export, bench. `{prog} COMMAND --help` lists a command's options.")
    parser.add_argument("--version", action="version", version=f"infogan_lite {version()}",
                        help="print the version of infogan_lite and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str, description: str | None = None):
        return sub.add_parser(name, help=summary, description=description or summary,
                              formatter_class=_HelpFormatter)

    p = command("train", "train an InfoGAN; checkpoints and record.json in --out-dir",
                "Train an InfoGAN. Every option is a field of infogan_lite.TrainConfig; the "
                "defaults are the paper's MNIST recipe (section 7, Appendix C).")
    _add_config_args(p)
    p.add_argument("--resume", action="store_true",
                   help="continue from OUT_DIR/checkpoint.pt when it exists")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")

    from .pretrained import available
    names = ", ".join(available()) or "none"
    p = command("evaluate", "c1 as a classifier: matched accuracy, NMI, ARI, usage",
                "The first categorical code c1 as a classifier on its data set's test split: "
                "matched accuracy, NMI, ARI and category usage, as JSON.")
    p.add_argument("source", help=f"a pretrained name ({names}) or a run folder with "
                                  f"checkpoint.pt")
    p.add_argument("--data-root", default=None, metavar="DIR", help=_field_help("data_root"))

    p = command("report", "a run's c1 metrics, code effects and traversal grids, to files")
    p.add_argument("run_dir", help="a run folder with checkpoint.pt (and record.json)")
    p.add_argument("--out", required=True, metavar="DIR",
                   help="folder for report.json and c1.png, c2.png, ...")
    p.add_argument("--data-root", default=None, metavar="DIR", help=_field_help("data_root"))
    p.add_argument("--n-noise", type=int, default=200, metavar="N",
                   help="noise vectors for the code effects")
    p.add_argument("--refit-steps", type=int, default=300, metavar="N",
                   help="shapes runs only: batches to refit a fresh Q head on the finished G (0: none)")

    p = command("export", "write a run's weights as safetensors + manifest",
                "Write a run's weights as NAME-G.safetensors, NAME-D.safetensors and the manifest "
                "NAME.json (checksums, config, metrics) into --out, and print the manifest's "
                "path. Load them with infogan_lite.load_pretrained(NAME, root=DIR).")
    p.add_argument("run_dir", help="a run folder with checkpoint.pt, or the checkpoint file")
    p.add_argument("--name", required=True,
                   help="name of the exported model, e.g. mnist: the file names' stem")
    p.add_argument("--out", "--dest", dest="out", default=None, metavar="DIR",
                   help="folder to write into, created if missing (default: the current "
                        "directory). To replace the weights committed to the repository, give "
                        "infogan_lite/pretrained. --dest is the former name of this option")
    p.add_argument("--storage", default="int8", choices=["int8", "fp16"],
                   help="int8 weight matrices with per-row scales, or all float16")
    p.add_argument("--generator-only", action="store_true",
                   help="ship G alone (no NAME-D file, no metrics of Q): for a model that is "
                        "only sampled, such as chapter 3's plain GAN")
    p.add_argument("--selection", default=None, metavar="TEXT",
                   help="the rule that chose this run, written into the manifest")

    p = command("bench", "time training loops side by side (appendix A)")
    if bench:
        _add_bench_args(p)

    command("versions", "versions of Python, the libraries and the device, as JSON")
    return parser


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["--version"]:          # before any import of torch; exits as argparse does
        print(f"infogan_lite {version()}")
        raise SystemExit(0)
    args = build_parser(bench="bench" in argv).parse_args(argv)
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
        from pathlib import Path

        source = Path(args.source)
        if source.suffix == ".json" and source.is_file():   # not a checkpoint: say what it is
            raise ValueError(f"{source} is an exported manifest, not a run: evaluate takes a "
                             f"pretrained name or a run folder; in Python, load it with "
                             f"load_pretrained({source.stem!r}, root={str(source.parent)!r})")
        print(json.dumps(_evaluate_source(args.source, args.data_root), indent=1))
    elif args.command == "report":
        from .book.report import report_run
        r = report_run(args.run_dir, args.out, args.data_root, args.n_noise, args.refit_steps)
        print(json.dumps({"step": r["step"], "c1": r["c1"] and {k: r["c1"][k] for k in
                          ("accuracy", "nmi", "ari")},
                          "codes": {c: {t: round(v["mean"], 3) for t, v in d.items()}
                                    for c, d in r["codes"].items()}}, indent=1))
    elif args.command == "export":
        from .pretrained import export_run
        print(export_run(args.run_dir, args.name, args.out, args.storage,
                         ("G",) if args.generator_only else ("G", "D"), args.selection))
    elif args.command == "bench":
        from .book.bench import BenchConfig, ablate, run
        cfg = BenchConfig(**{k: tuple(v) if k == "variants" else v
                             for k, v in vars(args).items() if k not in ("command", "ablate")})
        (ablate if args.ablate else run)(cfg)
    elif args.command == "versions":
        from .versions import versions
        print(json.dumps(versions(), indent=1))
    return 0


def _evaluate_source(source: str, data_root=None) -> dict:
    """Metrics of c1 for a pretrained name or a run folder, on its data set's test split."""
    from pathlib import Path

    from .checkpoint import model_from_checkpoint
    from .data import load_dataset
    from .evaluate import evaluate_c1
    from .pretrained import PRETRAINED_DIR, load_pretrained

    if Path(source).exists():
        model, cfg, _ = model_from_checkpoint(source)
        dataset = cfg.dataset
    else:
        model = load_pretrained(source)
        dataset = json.loads((PRETRAINED_DIR / f"{source}.json").read_text())["dataset"]
    x, y = load_dataset(dataset, False, data_root)
    m = evaluate_c1(model, x, y)
    return {k: m[k] for k in ("accuracy", "nmi", "ari", "usage")}


if __name__ == "__main__":
    sys.exit(main())
