"""The command line as a user meets it: help for every option with its default, choices where
the values are a fixed set, --version, the program's name, and `export` writing where asked.

In-process main(argv) with capsys throughout (no torch import per test), except one real
`python -m infogan_lite` process for the program name in its usage line."""
import argparse
import dataclasses
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import torch

import infogan_lite
from infogan_lite import TrainConfig, __version__, load_pretrained
from infogan_lite.__main__ import _prog, build_parser, main, train_flags
from infogan_lite.accel import AMP_MODES, amp_dtype
from infogan_lite.architectures import ARCHITECTURES
from infogan_lite.data import DATASETS
from infogan_lite.pretrained import PRETRAINED_DIR, export_run

FIELDS = dataclasses.fields(TrainConfig)
PACKAGE = Path(infogan_lite.__file__).parent
PROBE = "cli-help-probe"      # the exported model's name: no file of the package starts so


def _help(capsys, monkeypatch, *argv) -> str:
    """The --help text of `argv`, one option a line (a wide terminal), without an exit."""
    monkeypatch.setenv("COLUMNS", "2000")
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--help"])
    assert exit_.value.code == 0
    return capsys.readouterr().out


def _options(text: str) -> dict[str, str]:
    """{flag: its help} from a help text: an entry starts with a line '  -...' and runs on
    over the more deeply indented lines below it."""
    entries, flag = {}, None
    for line in text.splitlines():
        if line.startswith("  -"):
            head, _, rest = line.strip().partition("  ")
            flag = head.split()[0].rstrip(",")
            entries[flag] = rest.strip()
        elif flag and line.startswith("    "):
            entries[flag] = (entries[flag] + " " + line.strip()).strip()
        else:
            flag = None
    return entries


def _default_shown(default) -> str | None:
    if default is None:
        return None
    if isinstance(default, tuple):
        return " ".join(map(str, default)) or "none"
    return str(default)


def test_every_train_config_field_has_a_help_line():
    missing = [f.name for f in FIELDS if not str(f.metadata.get("help", "")).strip()]
    assert not missing, (f"TrainConfig fields without metadata['help'] (their line in "
                         f"`train --help`): {missing}")


def test_train_help_lists_every_field_with_its_help_and_default(capsys, monkeypatch):
    options = _options(_help(capsys, monkeypatch, "train"))
    for f in FIELDS:
        flag = "--" + f.name.replace("_", "-")
        assert flag in options, f"{flag} is not in train --help"
        text, default = options[flag], _default_shown(f.default)
        assert text.startswith(f.metadata["help"]), (flag, text)
        if default is None:
            assert "(default:" not in text.removeprefix(f.metadata["help"]), (flag, text)
        else:
            assert text.endswith(f"(default: {default})"), (flag, text)
    assert options["--dataset"].endswith("(default: mnist)")
    assert options["--categorical"].endswith("(default: 10)")
    assert options["--lr-d"].endswith("(default: 0.0002)")
    assert options["--learn-sigma"].endswith("(default: False)")


def _subcommands():
    """The subparsers action of the command line's parser (its subcommands and their parsers)."""
    return next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))


def test_every_argument_of_every_subcommand_has_help():
    sub = _subcommands()
    assert set(sub.choices) == {"train", "evaluate", "report", "export", "bench", "versions"}
    assert all(c.help for c in sub._choices_actions), "a subcommand without a summary"
    for name, p in sub.choices.items():
        for action in p._actions:
            assert action.help and action.help.strip(), \
                f"{name} {'/'.join(action.option_strings) or action.dest} has no help"


@pytest.mark.parametrize("flag, bad, valid", [("--dataset", "cifar", DATASETS),
                                              ("--amp", "fp8", AMP_MODES),
                                              ("--arch-name", "resnet", tuple(ARCHITECTURES)),
                                              ("--arch", "resnet", tuple(ARCHITECTURES))])
def test_a_value_outside_the_choices_is_refused_naming_the_valid_ones(flag, bad, valid, capsys,
                                                                      tmp_path):
    with pytest.raises(SystemExit) as exit_:
        main(["train", flag, bad, "--out-dir", str(tmp_path / "run")])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert re.search(f"error: argument [-a-z/]*{flag}\\b[-a-z/]*: invalid choice: '{bad}'", err), err
    assert all(v in err.split("invalid choice")[1] for v in valid), err
    assert not (tmp_path / "run").exists()


def test_the_choices_are_the_library_s_own_lists():
    options = {a.dest: a for a in _subcommands().choices["train"]._actions}
    assert tuple(options["dataset"].choices) == DATASETS
    assert tuple(options["arch_name"].choices) == tuple(ARCHITECTURES)
    assert options["device"].choices is None and options["device"].metavar == "DEVICE"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")              # bf16 on a CPU without it: a warning
        for mode in AMP_MODES:                       # every CLI choice is one accel accepts
            amp_dtype(mode, torch.device("cpu"))
    with pytest.raises(ValueError, match="amp must be one of"):
        amp_dtype("fp8", torch.device("cpu"))


def test_dataset_aliases_still_parse_and_the_device_is_free_form():
    args = build_parser().parse_args(["train", "--dataset", "Fashion_MNIST", "--device", "cuda:1"])
    assert (args.dataset, args.device) == ("fashion-mnist", "cuda:1")


def test_a_bad_device_is_refused_by_validate(tmp_path, capsys):
    argv = ["train", "--dataset", "toy", "--device", "gpu", "--out-dir", str(tmp_path / "r")]
    assert main(argv) == 2
    assert "error: device must be 'auto', 'cpu', 'cuda', 'cuda:N' or 'mps', got 'gpu'" in \
        capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_the_python_api_keeps_its_own_clear_errors():
    with pytest.raises(ValueError, match="unknown dataset 'cifar'.*choose one of mnist"):
        TrainConfig(dataset="cifar").validate()
    with pytest.raises(ValueError, match="unknown architecture 'resnet'.*tiny"):
        TrainConfig(arch_name="resnet").validate()
    with pytest.raises(ValueError, match="amp must be one of 'auto', 'off', 'bf16', 'fp16'"):
        TrainConfig(amp="fp8").validate()


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"infogan_lite {__version__}\n"


def test_version_answers_from_the_metadata_without_importing_torch():
    """`--version` must not pay for torch (seconds): the package and the CLI module import
    nothing heavy at their top, and main answers before building the parser."""
    code = ("import sys\nfrom infogan_lite.__main__ import main\ntry:\n    main(['--version'])\n"
            "except SystemExit as e:\n    assert e.code == 0\n"
            "print(sorted(m for m in sys.modules if m == 'torch' or m.startswith('torch.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=PACKAGE.parent).stdout.splitlines()
    assert out == [f"infogan_lite {__version__}", "[]"]


def test_the_console_script_names_itself(capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["/venv/bin/infogan-lite", "train", "--help"])
    out = _help(capsys, monkeypatch, "train")
    assert out.startswith("usage: infogan-lite train ")
    assert _prog("/venv/bin/infogan-lite") == "infogan-lite"
    assert _prog("infogan-lite.exe") == "infogan-lite"
    assert _prog(str(PACKAGE / "__main__.py")) == "python -m infogan_lite"
    assert _prog("-c") == _prog("") == "python -m infogan_lite"


def test_python_m_names_itself_in_a_real_process(tmp_path):
    """The one subprocess: what `python -m infogan_lite` prints on a bad choice, and its
    exit code."""
    r = subprocess.run([sys.executable, "-m", "infogan_lite", "train", "--dataset", "cifar"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert r.returncode == 2
    assert r.stderr.startswith("usage: python -m infogan_lite train ")
    assert "python -m infogan_lite train: error: argument --dataset: invalid choice: 'cifar'" \
        in r.stderr and "Traceback" not in r.stderr


# --- export: into --out, else the current directory, never the package
@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A tiny run on the toy data, trained through the command line (about a second)."""
    out = tmp_path_factory.mktemp("cli-run") / "run"
    assert main(["train", "--dataset", "toy", "--arch-name", "tiny", "--steps", "2", "--batch-size",
                 "16", "--log-every", "1", "--eval-every", "0", "--device", "cpu", "--out-dir",
                 str(out), "--no-progress"]) == 0
    return out


def _written(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def _nothing_in_the_package():
    assert not list(PACKAGE.rglob(f"{PROBE}*")), f"export wrote into the package {PACKAGE}"


def test_export_writes_into_out(run, tmp_path, capsys, monkeypatch):
    before = _written(PRETRAINED_DIR)
    out = tmp_path / "weights" / "nested"                      # created when missing
    monkeypatch.chdir(tmp_path)
    assert main(["export", str(run), "--name", PROBE, "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out / f"{PROBE}.json")
    assert _written(out) == {f"{PROBE}.json", f"{PROBE}-G.safetensors", f"{PROBE}-D.safetensors"}
    assert _written(tmp_path) == {"weights"}                     # nothing in the cwd
    model = load_pretrained(PROBE, root=out)
    assert model.spec.dim == 62 + 10 + 2 and not model.training
    assert _written(PRETRAINED_DIR) == before
    _nothing_in_the_package()


def test_export_writes_into_the_current_directory_by_default(run, tmp_path, capsys, monkeypatch):
    before = _written(PRETRAINED_DIR)
    monkeypatch.chdir(tmp_path)
    assert main(["export", str(run), "--name", PROBE]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / f"{PROBE}.json")   # absolute
    files = {f"{PROBE}.json", f"{PROBE}-G.safetensors", f"{PROBE}-D.safetensors"}
    assert files <= _written(tmp_path)
    assert load_pretrained(PROBE, root=".").spec.dim == 74
    assert main(["evaluate", f"{PROBE}.json"]) == 2                # a manifest is not a run
    assert f"load_pretrained('{PROBE}', root='.')" in capsys.readouterr().err
    export_run(run, PROBE + "-api", storage="fp16")             # the Python API: the same default
    assert (tmp_path / f"{PROBE}-api.json").exists()
    assert _written(PRETRAINED_DIR) == before
    _nothing_in_the_package()


def test_export_help_and_the_former_option_name(capsys, monkeypatch):
    options = _options(_help(capsys, monkeypatch, "export"))
    assert "current directory" in options["--out"] and "infogan_lite/pretrained" in options["--out"]
    args = build_parser().parse_args(["export", "r", "--name", "n", "--dest", "d"])
    assert args.out == "d"                                      # --dest still works


def test_train_flags_name_every_field_as_the_parser_spells_it():
    flags = train_flags()
    assert set(flags) >= {f.name for f in FIELDS}
    assert flags["lr_q"] == ["--lr-q"]
    assert flags["learn_sigma"] == ["--learn-sigma", "--no-learn-sigma"]
    assert flags["resume"] == ["--resume"]               # train's own flags, beside the config's
    args = build_parser().parse_args(["train", flags["batch_size"][0], "64"])
    assert args.batch_size == 64
