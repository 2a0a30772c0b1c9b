import json
import subprocess
import sys

import pytest

from infogan_lite.__main__ import main
from infogan_lite.data import load_dataset
from infogan_lite.checkpoint import model_from_checkpoint
from infogan_lite.pretrained import load_pretrained


def _cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "infogan_lite", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


def test_cli_trains_exports_and_evaluates_with_the_config_defaults(tmp_path, capsys, c1_reading):
    """One real `python -m infogan_lite` process (exit code, JSON on stdout, config.json), then
    export and evaluate through the same entry point, main(argv), in this process (which
    saves two imports of torch)."""
    run = tmp_path / "run"
    r = _cli("train", "--dataset", "toy", "--arch-name", "tiny", "--steps", "4", "--batch-size", "16",
             "--log-every", "2", "--eval-every", "4", "--device", "cpu", "--out-dir", str(run),
             "--no-progress", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    trained = json.loads(r.stdout)
    assert trained["step"] == 4
    config = json.loads((run / "config.json").read_text())
    assert (config["lr_d"], config["lr_g"], config["beta1"], config["n_noise"]) == (2e-4, 1e-3, 0.5, 62)
    assert main(["export", str(run), "--name", "toy", "--out", str(tmp_path / "w")]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "w" / "toy.json")
    assert load_pretrained("toy", root=tmp_path / "w").spec.dim == 74
    assert main(["evaluate", str(run)]) == 0
    evaluated = json.loads(capsys.readouterr().out)
    accuracy, _ = c1_reading(model_from_checkpoint(run)[0], *load_dataset("toy", train=False))
    assert evaluated["accuracy"] == pytest.approx(accuracy, abs=1e-12)
    assert trained["eval"]["accuracy"] == pytest.approx(accuracy, abs=1e-12)  # the same weights


def test_cli_reports_bad_input_without_a_traceback(tmp_path, capsys):
    """A real process for the exit code of `python -m infogan_lite`; main(argv) for the rest."""
    r = _cli("train", "--dataset", "toy", "--steps", "0", "--out-dir", str(tmp_path), cwd=tmp_path)
    assert r.returncode == 2
    assert "error: steps must be a whole number >= 1, got 0" in r.stderr and "Traceback" not in r.stderr
    # (an unknown --dataset is refused by argparse's choices: tests/test_cli_help.py)
    assert main(["train", "--lr-g", "-1", "--dataset", "toy", "--out-dir", str(tmp_path)]) == 2
    assert "error: lr_g must be a finite number > 0" in capsys.readouterr().err
