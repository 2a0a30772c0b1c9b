"""The benchmark of appendix A and the time-to-accuracy reader: correctness, not timing."""
import json
import math
from pathlib import Path

import pytest
import torch

from infogan_lite.__main__ import main
from infogan_lite.book import bench
from infogan_lite.book.bench import BenchConfig, naive_step, run
from infogan_lite.book.time_to_accuracy import (format_time_to_accuracy, read_records, time_to_accuracy,
                                                time_to_accuracy_table)

TINY = ["--steps", "1", "--repeats", "2", "--batch-size", "16", "--data", "synthetic", "--no-memory"]

pytestmark = pytest.mark.usefixtures("one_thread")  # bench sets torch's threads; restored after


def test_cli_bench_prints_every_variant_and_finite_positive_ratios(capsys):
    """The command's table, through its entry point main(argv) (the subprocess round trip of
    `python -m infogan_lite` is tested in tests/test_cli.py)."""
    assert main(["bench", *TINY]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = next(l for l in lines if l.startswith("variant"))
    assert header.split() == ["variant", "ms/step", "min-max", "images/s", "peak", "MiB"]
    for label in bench.LABELS.values():
        row = next(l for l in lines if l.startswith(label))
        ms, images_per_s = float(row[len(label):].split()[0]), float(row.split()[-2])
        assert ms > 0 and images_per_s == pytest.approx(16 / ms * 1000, rel=0.01, abs=1)  # batch 16
    ratios = {l.rsplit(None, 1)[0]: float(l.split()[-1]) for l in lines if "(images/s)" in l
              or "(time per step)" in l}
    assert set(ratios) == {"loop/naive (images/s)", "loop/compute (images/s)",
                           "InfoGAN/GAN (time per step)"}
    assert all(math.isfinite(v) and v > 0 for v in ratios.values())


def test_bench_help_lists_the_options_of_the_issue(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["bench", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for flag in ("--steps", "--repeats", "--amp", "--compile", "--threads", "--device", "--data"):
        assert flag in out


def test_run_from_python_returns_medians_spreads_and_round_by_round_ratios():
    result = run(steps=1, repeats=3, batch_size=8, data="synthetic", memory=False,
                 variants=("loop", "gan"), verbose=False)
    row = result["rows"]["loop"]
    assert row["ms_min"] <= row["ms"] <= row["ms_max"]
    assert row["images_per_s"] == pytest.approx(8 / row["ms"] * 1000)
    assert list(result["ratios"]) == ["InfoGAN/GAN (time per step)"]
    assert len(result["config"]["variants"]) == 2
    header, cells = bench.table(result)   # the notebook's rendered table: the same numbers
    assert len(header) == 5 and [c[0] for c in cells] == [bench.LABELS["loop"], bench.LABELS["gan"]]
    assert cells[0][1] == f"{row['ms']:.1f}" and cells[0][4] == "-"  # memory was not measured


def test_bad_bench_settings_are_rejected():
    with pytest.raises(ValueError, match="data must be 'real' or 'synthetic'"):
        BenchConfig(data="imagenet").validate()
    with pytest.raises(ValueError, match="unknown variants"):
        BenchConfig(variants=("naive", "fastest")).validate()


def test_the_naive_step_is_a_working_infogan_update(model):
    opt_D = torch.optim.Adam(model.D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_G = torch.optim.Adam(model.G.parameters(), lr=1e-3, betas=(0.5, 0.999))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    losses = naive_step(model, opt_D, opt_G, torch.rand(8, 1, 28, 28))
    assert len(losses) == 4 and all(math.isfinite(v) for v in losses)
    after = model.state_dict()
    for part in ("G.net.0.weight", "D.trunk.0.weight", "D.d_head.weight", "D.q_head.0.weight"):
        assert not torch.equal(before[part], after[part]), f"{part} was not trained"


def test_the_plain_gan_variant_never_touches_Q():
    cfg, images = BenchConfig(batch_size=8, data="synthetic"), torch.rand(64, 1, 28, 28)
    variant = bench.build("gan", cfg, torch.device("cpu"), images)
    before = {k: v.clone() for k, v in variant.model.state_dict().items()}
    variant.step()
    after = variant.model.state_dict()
    assert not torch.equal(before["D.trunk.0.weight"], after["D.trunk.0.weight"])
    assert not torch.equal(before["G.net.0.weight"], after["G.net.0.weight"])
    assert all(torch.equal(before[k], after[k]) for k in after if k.startswith("D.q_head")), \
        "a plain GAN step must not evaluate or train Q"
    assert all(math.isfinite(v) for v in variant.finish())


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_peak_memory_is_read_in_a_fresh_process():
    """Each variant's peak is its own process's: while this process holds 2 GiB more than a
    variant needs, the variants still report their own, smaller, peaks. (ru_maxrss survives
    the exec of a child, and would report this process's peak instead.)"""
    ballast = torch.ones(2**29)                                   # 2 GiB, every page touched
    parent = _rss_mib()
    mib = bench.peak_memory(["compute", "train"], BenchConfig(steps=1, batch_size=8, data="synthetic"))
    del ballast
    assert set(mib) == {"compute", "train"}
    assert all(100 < v < parent - 512 for v in mib.values()), (mib, parent)  # torch: 100s of MiB


def _record(accs, seconds_per_step=0.25, every=500, seed=7):
    evals = [{"step": every * (i + 1), "train_seconds": every * (i + 1) * seconds_per_step,
              "accuracy": a} for i, a in enumerate(accs)]
    return {"config": {"seed": seed, "eval_every": every}, "steps": every * len(accs),
            "train_seconds": every * len(accs) * seconds_per_step, "evals": evals}


def test_time_to_accuracy_is_the_first_evaluation_at_or_above_the_threshold():
    r = time_to_accuracy(_record([0.6, 0.94, 0.95, 0.97, 0.93]), key="accuracy")
    assert (r["steps"], r["seconds"], r["sec_per_step"]) == (1500, 375.0, 0.25)
    assert (r["best_accuracy"], r["best_step"]) == (0.97, 2000)
    never = time_to_accuracy(_record([0.6, 0.7]), key="accuracy")
    assert never["steps"] is None and never["seconds"] is None
    assert "never" in format_time_to_accuracy([r, never])
    header, cells = time_to_accuracy_table([r, never])
    assert cells[0][1:4] == ["1,500", "0.250", "6.2"] and cells[1][1] == "never" and cells[1][3] == "-"
    with pytest.raises(ValueError, match="no evaluations"):
        time_to_accuracy({"steps": 1, "train_seconds": 1.0, "evals": []})


def test_time_to_accuracy_reads_the_plain_accuracy_when_asked():
    rec = _record([0.96, 0.97])
    for e, plain in zip(rec["evals"], (0.5, 0.951)):
        e["plain_accuracy"] = plain
    assert time_to_accuracy(rec, key="accuracy")["steps"] == 500
    r = time_to_accuracy(rec, key="plain_accuracy")
    assert (r["steps"], r["best_accuracy"]) == (1000, 0.951)


def test_time_to_accuracy_of_the_committed_mnist_records():
    from infogan_lite.book.report import RESULTS_DIR
    records = read_records(sorted((RESULTS_DIR / "mnist" / "main").glob("seed*")))
    assert records, "the package ships the MNIST runs' reports"
    rows = {r["seed"]: r for r in (time_to_accuracy(x, key="accuracy") for x in records)}
    for r in rows.values():  # each record's own numbers, recomputed
        rec = next(x for x in records if x["config"]["seed"] == r["seed"])
        assert r["sec_per_step"] == pytest.approx(rec["train_seconds"] / rec["step"])
        if r["steps"] is not None:
            hit = next(e for e in rec["evals"] if e["step"] == r["steps"])
            assert hit["accuracy"] >= 0.95 and r["seconds"] == hit["train_seconds"]
            assert all(e["accuracy"] < 0.95 for e in rec["evals"] if e["step"] < r["steps"])
    assert json.dumps(rows)  # plain data, for the notebook
