import json
import subprocess
import sys


def _cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "infogan_lite", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


def test_cli_trains_exports_and_evaluates_with_the_config_defaults(tmp_path):
    run = tmp_path / "run"
    r = _cli("train", "--dataset", "toy", "--steps", "4", "--batch-size", "16", "--log-every", "2",
             "--eval-every", "4", "--device", "cpu", "--out-dir", str(run), "--no-progress", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["step"] == 4
    config = json.loads((run / "config.json").read_text())
    assert (config["lr_d"], config["lr_g"], config["beta1"], config["n_noise"]) == (2e-4, 1e-3, 0.5, 62)
    r = _cli("export", str(run), "--name", "toy", "--dest", str(tmp_path / "w"), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r = _cli("evaluate", str(run), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert 0 <= json.loads(r.stdout)["accuracy"] <= 1


def test_cli_reports_bad_input_without_a_traceback(tmp_path):
    r = _cli("train", "--dataset", "cifar", "--out-dir", str(tmp_path), cwd=tmp_path)
    assert r.returncode == 2
    assert "error: unknown dataset 'cifar'" in r.stderr and "Traceback" not in r.stderr
    r = _cli("train", "--lr-g", "-1", "--dataset", "toy", "--out-dir", str(tmp_path), cwd=tmp_path)
    assert r.returncode == 2 and "lr_g must be a finite number > 0" in r.stderr
