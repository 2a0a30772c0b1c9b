import dataclasses
import json
import warnings

import pytest
import torch

from infogan_lite import TrainConfig, train
from infogan_lite.checkpoint import load_checkpoint
from infogan_lite.files import CheckpointError
from infogan_lite.data import load_dataset
from infogan_lite.train import batch_indices


def _weights(model):
    return {k: v.clone() for k, v in model.state_dict().items()}


def test_a_resumed_run_reproduces_the_uninterrupted_one(tiny_config, tmp_path):
    full_model, full = train(tiny_config, progress=False)
    cut = dataclasses.replace(tiny_config, out_dir=str(tmp_path / "cut"), steps=4)
    train(cut, progress=False)
    resumed_model, resumed = train(dataclasses.replace(cut, steps=6), resume=True, progress=False)
    strip = lambda h: [{k: v for k, v in r.items() if k != "seconds"} for r in h]
    assert strip(resumed["history"]) == strip(full["history"])
    a, b = _weights(full_model), _weights(resumed_model)
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_training_writes_a_history_in_nats_and_as_a_fraction_of_H_c(tiny_config):
    _, record = train(tiny_config, progress=False)
    assert [r["step"] for r in record["history"]] == [2, 4, 6]
    row = record["history"][-1]
    assert {"L_D", "L_G", "L_I_cat", "L_I_cont", "L_sup", "L_I_frac"} <= set(row)
    assert row["L_I_frac"] == pytest.approx(row["L_I_cat"] / 2.302585, abs=1e-4)
    on_disk = json.loads((tiny_config.out_dir and
                          __import__("pathlib").Path(tiny_config.out_dir) / "record.json").read_text())
    assert on_disk["history"] == record["history"]


def test_toy_training_learns_the_categorical_code(tmp_path):
    """Not a smoke test: `train` itself (data, batches, steps, evaluation) on the toy bars must
    lift L_I and c1 well above chance. The tiny architecture learns more slowly per step than
    Table 1's but at a twentieth of the cost: 300 steps, seconds. (That the information term
    drives L_I all the way to H(c) is tests/test_toy2d.py::
    test_L_I_rises_to_H_c_and_each_category_takes_one_mode.)"""
    cfg = TrainConfig(dataset="toy", arch_name="tiny", steps=300, batch_size=64, eval_every=300,
                      log_every=50, checkpoint_every=300, device="cpu", out_dir=str(tmp_path),
                      seed=0, amp="off", threads=1)
    _, record = train(cfg, progress=False)
    L_I = [r["L_I_cat"] for r in record["history"]]
    assert L_I == sorted(L_I) and L_I[0] < 0.1 and L_I[-1] > 0.4  # of ln 10; seeds 0-3: 0.57-0.63
    # chance is 0.1; seeds 0-3 gave 0.33-0.42 at 300 steps
    assert record["evals"][-1]["accuracy"] > 0.25


def test_each_step_trains_on_the_batch_that_batch_indices_names(tiny_config, monkeypatch):
    """The data path of `train`, known answer: step s trains on images[batch_indices(s, ...)]
    of the data set, as they are (the learning test above is too weak to notice, at its size,
    a loop that fed something else)."""
    import importlib
    T = importlib.import_module("infogan_lite.train")  # the module, not the train() function
    real_step, seen = T.train_step, []

    def spy(model, opt_DQ, opt_G, x_real, *args, **kwargs):
        seen.append(x_real.clone())
        return real_step(model, opt_DQ, opt_G, x_real, *args, **kwargs)

    monkeypatch.setattr(T, "train_step", spy)
    train(dataclasses.replace(tiny_config, steps=3), progress=False)
    images, _ = load_dataset("toy")
    expected = [images[batch_indices(s, len(images), 16, tiny_config.seed)] for s in range(3)]
    assert len(seen) == 3 and all(torch.equal(a, b) for a, b in zip(seen, expected))


def test_checkpoints_are_written_atomically(tiny_config):
    train(tiny_config, progress=False)
    out = __import__("pathlib").Path(tiny_config.out_dir)
    assert not list(out.glob("*.tmp")), "a temporary file was left behind"
    assert load_checkpoint(out / "checkpoint.pt")["step"] == 6


def test_a_corrupt_checkpoint_raises_a_clear_error(tiny_config):
    train(tiny_config, progress=False)
    path = __import__("pathlib").Path(tiny_config.out_dir) / "checkpoint.pt"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(CheckpointError, match="corrupt or truncated"):
        train(dataclasses.replace(tiny_config, steps=8), resume=True, progress=False)


@pytest.mark.parametrize("content, message", [(b"", "empty"), (b"not a checkpoint", "corrupt")])
def test_empty_or_foreign_files_are_not_checkpoints(tmp_path, content, message):
    path = tmp_path / "checkpoint.pt"
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match=message):
        load_checkpoint(path)


def test_a_checkpoint_of_another_configuration_is_refused(tiny_config):
    train(tiny_config, progress=False)
    other = dataclasses.replace(tiny_config, continuous=3, steps=8)
    with pytest.raises(ValueError, match="continuous=2 but this run has continuous=3"):
        train(other, resume=True, progress=False)


def test_a_nan_loss_stops_training_and_keeps_the_last_good_checkpoint(tiny_config, monkeypatch):
    import importlib
    T = importlib.import_module("infogan_lite.train")  # the module, not the train() function

    real_step, calls = T.train_step, {"n": 0}

    def poisoned(*args, **kwargs):
        calls["n"] += 1
        losses = real_step(*args, **kwargs)
        return losses * float("nan") if calls["n"] == 3 else losses

    monkeypatch.setattr(T, "train_step", poisoned)
    with pytest.raises(FloatingPointError, match="non-finite loss at step 4"):
        train(tiny_config, progress=False)
    path = __import__("pathlib").Path(tiny_config.out_dir) / "checkpoint.pt"
    assert load_checkpoint(path)["step"] == 2


@pytest.mark.parametrize("field, value, message", [
    ("dataset", "cifar", "unknown dataset 'cifar'"),
    ("lambda_cat", -1.0, "lambda_cat must be a finite number >= 0"),
    ("lambda_cont", float("nan"), "lambda_cont must be a finite number >= 0"),
    ("lr_d", 0.0, "lr_d must be a finite number > 0"),
    ("lr_g", float("inf"), "lr_g must be a finite number > 0"),
    ("lr_q", -1e-3, "lr_q must be a finite number > 0"),
    ("batch_size", 0, "batch_size must be a whole number >= 1"),
    ("categorical", (0,), "at least 2 categories"),
    ("amp", "fp8", "amp must be one of"),
    ("arch_name", "resnet", "unknown architecture 'resnet'"),
])
def test_bad_configs_are_rejected_before_any_work(tiny_config, field, value, message):
    with pytest.raises(ValueError, match=message):
        train(dataclasses.replace(tiny_config, **{field: value}), progress=False)


def test_batches_are_a_pure_function_of_the_step():
    a = batch_indices(7, 1000, 100, seed=1)
    assert torch.equal(a, batch_indices(7, 1000, 100, seed=1))
    epoch = torch.cat([batch_indices(s, 1000, 100, seed=1) for s in range(10)])
    assert torch.equal(epoch.sort().values, torch.arange(1000))   # one epoch sees each image once
    assert not torch.equal(batch_indices(10, 1000, 100, 1), batch_indices(0, 1000, 100, 1))


def test_cpu_bf16_autocast_runs_a_step(tiny_config, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # "emulated", on a CPU without bf16 instructions
        _, bf16 = train(dataclasses.replace(tiny_config, amp="bf16", steps=2), progress=False)
    _, fp32 = train(dataclasses.replace(tiny_config, amp="off", steps=2, out_dir=str(tmp_path / "fp32")),
                    progress=False)
    losses = lambda record: {k: v for k, v in record["history"][-1].items() if k != "seconds"}
    assert losses(bf16) != losses(fp32)                       # autocast did compute in bf16
    assert losses(bf16) == pytest.approx(losses(fp32), abs=0.02)  # the same step, to bf16 rounding


def test_a_checkpoint_from_before_the_rename_resumes_with_todays_column_names(tiny_config):
    """Records before 0.2 called the categorical bound "L_I"; a resumed run renames it."""
    from pathlib import Path

    from infogan_lite.checkpoint import save_checkpoint
    train(dataclasses.replace(tiny_config, steps=4), progress=False)
    path = Path(tiny_config.out_dir) / "checkpoint.pt"
    state = load_checkpoint(path)
    old = [{("L_I" if k == "L_I_cat" else k): v for k, v in row.items()}
           for row in json.loads(state["history"])]
    save_checkpoint(path, {**state, "history": json.dumps(old)})
    _, record = train(tiny_config, resume=True, progress=False)
    assert [r["step"] for r in record["history"]] == [2, 4, 6]
    assert all("L_I_cat" in r and "L_I" not in r for r in record["history"])


def test_lr_q_gives_q_s_head_its_own_learning_rate(tiny_config):
    """Adam's first step moves every parameter with a gradient by about its lr (m/sqrt(v) is
    the gradient's sign): Q's head by lr_q, the trunk and D's head by lr_d, G by lr_g."""
    from infogan_lite import InfoGAN
    from infogan_lite.architectures import architecture
    from infogan_lite.train import make_optimizers, train_step

    cfg = dataclasses.replace(tiny_config, lr_d=1e-5, lr_g=1e-4, lr_q=1e-2, amp="off")
    torch.manual_seed(0)
    model = InfoGAN(cfg.spec, architecture(cfg.arch_name))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    opt_DQ, opt_G = make_optimizers(model, cfg)
    x = model.from_unit_range(torch.rand(16, 1, 28, 28))
    train_step(model, opt_DQ, opt_G, x, torch.Generator().manual_seed(0), cfg)
    moved = {k: float((v - before[k]).abs().max()) for k, v in model.state_dict().items()
             if v.is_floating_point() and "running" not in k}
    for prefix, lr in (("D.q_head.", 1e-2), ("D.trunk.", 1e-5), ("D.d_head.", 1e-5), ("G.", 1e-4)):
        steps = [m for k, m in moved.items() if k.startswith(prefix)]
        assert steps and 0.5 * lr < max(steps) <= 1.01 * lr, (prefix, max(steps))


def test_resuming_with_and_without_lr_q_is_refused_by_name(tiny_config):
    train(dataclasses.replace(tiny_config, steps=2), progress=False)
    with pytest.raises(ValueError, match="lr_q=None but this run has lr_q=0.001"):
        train(dataclasses.replace(tiny_config, lr_q=1e-3), resume=True, progress=False)


def test_a_resumed_run_takes_the_new_lr_q(tiny_config):
    cfg = dataclasses.replace(tiny_config, steps=2, lr_q=1e-3)
    train(cfg, progress=False)
    with pytest.warns(UserWarning, match="lr_q=0.002"):
        train(dataclasses.replace(cfg, steps=4, lr_q=2e-3), resume=True, progress=False)
    groups = load_checkpoint(f"{cfg.out_dir}/checkpoint.pt")["opt_DQ"]["param_groups"]
    assert [g["lr"] for g in groups] == [cfg.lr_d, 2e-3]


def test_every_evaluation_reads_c1_on_the_validation_split(tiny_config):
    """val_accuracy is c1's matched accuracy on the validation split (the last sixth of the
    training images), not on the test set: the final row equals a direct reading."""
    from infogan_lite.data import validation_split
    from infogan_lite.evaluate import evaluate_c1

    model, record = train(dataclasses.replace(tiny_config, eval_every=3), progress=False)
    assert [row["step"] for row in record["evals"]] == [3, 6]
    images, labels = validation_split(*load_dataset("toy", True))
    direct = evaluate_c1(model, images, labels)
    last = record["evals"][-1]
    assert last["val_accuracy"] == direct["accuracy"]
    assert last["val_plain_accuracy"] == direct["plain_accuracy"]
    on_test = evaluate_c1(model, *load_dataset("toy", False))
    assert last["accuracy"] == on_test["accuracy"]


def test_the_record_names_the_precision_of_every_resumed_part(tiny_config):
    """Each start of a run adds a segment: the step it started from, its precision, device,
    whether the CPU has native bf16, and torch's version."""
    from infogan_lite.accel import cpu_has_bf16

    train(dataclasses.replace(tiny_config, steps=4, amp="off"), progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # "emulated", on a CPU without bf16 instructions
        _, record = train(dataclasses.replace(tiny_config, amp="bf16"), resume=True, progress=False)
    first, second = record["segments"]
    assert (first["from_step"], first["precision"]) == (0, "float32")
    assert (second["from_step"], second["precision"]) == (4, "bf16")
    assert first["device"] == "cpu" and first["torch"] == torch.__version__
    assert first["cpu_bf16"] == cpu_has_bf16()
    assert record["precision"] == "bf16+float32"
    on_disk = json.loads((__import__("pathlib").Path(tiny_config.out_dir) / "record.json").read_text())
    assert on_disk["segments"] == record["segments"]


def test_fresh_g_latents_draws_a_second_prior_sample_for_the_g_step(tiny_config):
    """With fresh_g_latents the G step samples z and c again (two draws a step, as in the
    authors' code); without it, one draw serves both steps."""
    from infogan_lite import InfoGAN
    from infogan_lite.architectures import architecture
    from infogan_lite.train import make_optimizers, train_step

    spec = tiny_config.spec
    x = load_dataset("toy", True)[0][:16] * 2 - 1

    def after_one_step(fresh):
        cfg = dataclasses.replace(tiny_config, fresh_g_latents=fresh)
        torch.manual_seed(0)
        model = InfoGAN(spec, architecture("tiny"))
        gen = torch.Generator().manual_seed(1)
        train_step(model, *make_optimizers(model, cfg), x, gen, cfg)
        return model, gen.get_state()

    def draws(n):
        gen = torch.Generator().manual_seed(1)
        for _ in range(n):
            spec.sample(16, generator=gen)
        return gen.get_state()

    (reused, state_reused), (fresh, state_fresh) = after_one_step(False), after_one_step(True)
    assert torch.equal(state_reused, draws(1)) and torch.equal(state_fresh, draws(2))
    assert all(torch.equal(a, b) for a, b in zip(reused.D.parameters(), fresh.D.parameters()))
    assert not all(torch.equal(a, b) for a, b in zip(reused.G.parameters(), fresh.G.parameters()))


def test_resuming_with_another_fresh_g_latents_is_refused(tiny_config):
    train(dataclasses.replace(tiny_config, steps=2), progress=False)
    with pytest.raises(ValueError, match="fresh_g_latents"):
        train(dataclasses.replace(tiny_config, fresh_g_latents=True), resume=True, progress=False)
