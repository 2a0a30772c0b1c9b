"""Run reports: the files chapter 7 reads, written by `python -m infogan_lite report`."""
import json
import math

import numpy as np
import pytest

from infogan_lite import train
from infogan_lite.__main__ import main
from infogan_lite.data import load_dataset
from infogan_lite.checkpoint import model_from_checkpoint
from infogan_lite.book.report import li_curves, load_reports, spread


def test_report_command_writes_metrics_codes_and_grids(tiny_config, tmp_path, capsys, c1_reading):
    train(tiny_config, progress=False)
    out = tmp_path / "reports" / "seed3"
    assert main(["report", tiny_config.out_dir, "--out", str(out), "--n-noise", "4"]) == 0
    printed = json.loads(capsys.readouterr().out)
    report = json.loads((out / "report.json").read_text())
    assert report["step"] == tiny_config.steps == printed["step"]
    accuracy, counts = c1_reading(model_from_checkpoint(tiny_config.out_dir)[0],
                                  *load_dataset("toy", train=False))
    assert np.array_equal(report["c1"]["confusion"], counts) and counts.sum() == 1000
    assert report["c1"]["accuracy"] == pytest.approx(accuracy, abs=1e-12)
    train_x, train_y = load_dataset("toy", train=True)                  # 6,000: the last 1,000
    val_accuracy, _ = c1_reading(model_from_checkpoint(tiny_config.out_dir)[0],
                                 train_x[5000:], train_y[5000:])
    assert report["validation"]["accuracy"] == pytest.approx(val_accuracy, abs=1e-12)
    assert set(report["codes"]) == {"c2", "c3"}
    assert len(report["history"]) == tiny_config.steps // tiny_config.log_every
    for name in ("c1", "c2", "c3"):
        assert (out / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert list(load_reports(tmp_path / "reports")) == ["seed3"]


def _nmi(counts):
    """Normalised mutual information (arithmetic mean of the entropies) of a count table."""
    p = counts / counts.sum()
    rows, cols, nz = p.sum(1), p.sum(0), p > 0
    info = (p[nz] * np.log(p[nz] / np.outer(rows, cols)[nz])).sum()
    H = lambda q: -(q[q > 0] * np.log(q[q > 0])).sum()
    return info / ((H(rows) + H(cols)) / 2) if H(rows) + H(cols) else 1.0


def test_report_of_a_shapes_run_measures_disentanglement_on_the_full_grid(tmp_path, one_thread,
                                                                          c1_reading):
    """A shapes run's report also holds MIG and SAP (chapter 9), for Q as trained and for a
    Q head refitted to the finished G; the MNIST fields stay as they are."""
    from infogan_lite.book.disentangle import shapes_config
    from infogan_lite.book.report import refit_q_head, report_run
    from infogan_lite.shapes_data import FACTOR_NAMES, make_shapes

    cfg = shapes_config(arch_name="tiny", steps=4, batch_size=16, log_every=2, checkpoint_every=4,
                        device="cpu", out_dir=str(tmp_path / "run"), seed=1)
    train(cfg, progress=False)
    report = report_run(cfg.out_dir, tmp_path / "report", n_noise=2, refit_steps=3)
    saved = json.loads((tmp_path / "report" / "report.json").read_text())
    assert saved["disentanglement"] == report["disentanglement"]
    assert report["step"] == 4 and set(report["codes"]) == {"c2", "c3", "c4", "c5"}
    d = report["disentanglement"]
    assert d["refit_q"]["steps"] == 3 and d["refit_q"]["L_I"] <= math.log(3) + 1e-6
    model = model_from_checkpoint(cfg.out_dir)[0]
    images, factors = make_shapes()
    for reading, q in ((d, model), (d["refit_q"], refit_q_head(model, 3, 0)[0])):
        assert {"mig", "sap", "c1"} <= set(reading)
        mi = np.array(reading["mig"]["mi"])
        assert mi.shape == (5, len(FACTOR_NAMES)) and np.all(mi >= -1e-9)
        assert np.array(reading["sap"]["score"]).shape == (5, len(FACTOR_NAMES))
        for metric in ("mig", "sap"):
            gaps = reading[metric]["per_factor"]
            assert len(gaps) == len(FACTOR_NAMES) and all(-1e-9 <= g <= 1 + 1e-9 for g in gaps)
            assert reading[metric][metric] == pytest.approx(np.mean(gaps))
        accuracy, counts = c1_reading(q, images, factors[:, 0].long())  # c1 against the shape
        assert reading["c1"]["accuracy"] == pytest.approx(accuracy, abs=1e-12)
        assert reading["c1"]["nmi"] == pytest.approx(_nmi(counts), abs=1e-9)
    assert len(list((tmp_path / "report").glob("c*.png"))) == 5


def test_report_of_a_folder_without_checkpoint_names_it(tmp_path, capsys):
    assert main(["report", str(tmp_path / "nothing"), "--out", str(tmp_path / "o")]) == 2
    assert "nothing" in capsys.readouterr().err


@pytest.mark.parametrize("option, value, message", [
    ("--refit-steps", "-1", "refit_steps must be a whole number >= 0, got -1"),
    ("--n-noise", "0", "n_noise must be a whole number >= 1, got 0")])
def test_report_refuses_a_bad_count_before_reading_the_run(tmp_path, capsys, option, value, message):
    assert main(["report", str(tmp_path / "nothing"), "--out", str(tmp_path / "o"), option, value]) == 2
    assert message in capsys.readouterr().err


def test_load_reports_says_how_to_make_them(tmp_path):
    with pytest.raises(FileNotFoundError, match="python -m infogan_lite report"):
        load_reports(tmp_path)


def test_li_curves_average_runs_cut_to_the_shortest():
    runs = [{"history": [{"step": 50 * (i + 1), "L_I_cat": v} for i, v in enumerate(vals)]}
            for vals in ([1.0] * 10, [2.0] * 12)]
    c = li_curves(runs, key="L_I_cat", window=1)
    assert list(c["steps"]) == [50 * (i + 1) for i in range(10)]
    assert np.allclose(c["mean"], 1.5) and np.allclose(c["sd"], np.std([1, 2], ddof=1))


def test_spread_is_mean_sd_min_max():
    s = spread([0.9, 0.8, 1.0])
    assert s == pytest.approx({"n": 3, "mean": 0.9, "sd": 0.1, "min": 0.8, "max": 1.0})
