"""Checkpoints as a resumed run depends on them: the last step always saved, a checkpoint of
another run refused field by field, new optimiser settings taken, old files still read."""
import dataclasses
import json
from pathlib import Path

import pytest
import torch

from infogan_lite import InfoGAN, TrainConfig, train
from infogan_lite.architectures import architecture
from infogan_lite.checkpoint import RunState, content_sha256, load_checkpoint
from infogan_lite.train import make_optimizers


def _run_state(cfg: TrainConfig) -> RunState:
    torch.manual_seed(0)
    model = InfoGAN(cfg.spec, architecture(cfg.arch_name), cfg.learn_sigma)
    return RunState(model, *make_optimizers(model, cfg), torch.Generator().manual_seed(cfg.seed), cfg)


def test_a_run_whose_steps_are_not_a_multiple_of_checkpoint_every_ends_with_its_final_weights(
        tiny_config):
    model, _ = train(dataclasses.replace(tiny_config, steps=5, checkpoint_every=3), progress=False)
    state = load_checkpoint(Path(tiny_config.out_dir) / "checkpoint.pt")
    assert state["step"] == 5
    assert all(torch.equal(v, state["model"][k]) for k, v in model.state_dict().items())


# Every setting that shapes the model, the data or the draws, with another value: a resume
# must refuse each by name. (Written out here, not read from the library's list.)
MUST_MATCH = {"dataset": "shapes", "arch_name": "mnist", "n_noise": 7, "categorical": (10, 4),
              "continuous": 3, "learn_sigma": True, "baseline": True, "seed": 4,
              "batch_size": 8, "labels_per_class": 2, "fresh_g_latents": True}


@pytest.mark.parametrize("field", sorted(MUST_MATCH))
def test_a_resume_with_another_setting_that_shapes_the_run_is_refused_by_name(
        tiny_config, tmp_path, field):
    path = tmp_path / "checkpoint.pt"
    _run_state(tiny_config).save(path)
    run = _run_state(tiny_config)          # the same networks: only the setting differs
    run.cfg = dataclasses.replace(tiny_config, **{field: MUST_MATCH[field]})
    with pytest.raises(ValueError, match=f"written with {field}=.* but this run has {field}="):
        run.restore(path)


def test_a_resume_takes_the_new_learning_rates_and_betas(tiny_config, tmp_path):
    path = tmp_path / "checkpoint.pt"
    _run_state(tiny_config).save(path)
    new = dataclasses.replace(tiny_config, lr_d=1e-4, lr_g=3e-4, beta1=0.7, beta2=0.95)
    with pytest.warns(UserWarning, match="resuming .* with lr_d=0.0001"):
        run = _run_state(new).restore(path)
    for opt, lr in ((run.opt_DQ, 1e-4), (run.opt_G, 3e-4)):
        assert [(g["lr"], g["betas"]) for g in opt.param_groups] == [(lr, (0.7, 0.95))]


def test_a_checkpoint_in_the_layout_of_earlier_runs_resumes_bit_for_bit(tiny_config, tmp_path):
    """The checkpoint.pt that runs wrote before RunState owned its objects and before
    TrainConfig.arch became arch_name, its keys written out here: a run resumed from it ends
    as the uninterrupted run does."""
    _, whole = train(dataclasses.replace(tiny_config, out_dir=str(tmp_path / "whole")),
                     progress=False)
    train(dataclasses.replace(tiny_config, steps=4), progress=False)
    path = Path(tiny_config.out_dir) / "checkpoint.pt"
    s = torch.load(path, weights_only=True)
    config = {("arch" if k == "arch_name" else k): v for k, v in s["config"].items()}
    old = {"format": "infogan_lite.checkpoint.v1", "config": config, "step": s["step"],
           "model": s["model"], "opt_DQ": s["opt_DQ"], "opt_G": s["opt_G"], "gen": s["gen"],
           "history": s["history"], "evals": s["evals"], "train_seconds": s["train_seconds"],
           "sums": s["sums"], "count": s["count"], "segments": s["segments"]}
    old["sha256"] = content_sha256(old)
    torch.save(old, path)
    model, resumed = train(tiny_config, resume=True, progress=False)
    untimed = lambda rows: [{k: v for k, v in r.items() if k != "seconds"} for r in rows]
    assert untimed(resumed["history"]) == untimed(whole["history"])
    whole_model = load_checkpoint(tmp_path / "whole" / "checkpoint.pt")["model"]
    assert all(torch.equal(v, whole_model[k]) for k, v in model.state_dict().items())
    assert json.loads(load_checkpoint(path)["segments"])[0]["from_step"] == 0


def test_restore_reads_back_every_field_that_save_wrote(tiny_config, tmp_path):
    """A run cut between two history rows carries its loss sums, their count, its clock, its
    logs, the optimisers' moments and the latents' generator: each comes back as saved."""
    run = _run_state(tiny_config)
    for p in run.model.parameters():
        p.grad = torch.ones_like(p)
    run.opt_DQ.step(), run.opt_G.step()
    run.gen.manual_seed(123)
    run.step, run.seconds, run.count = 5, 12.5, 1
    run.sums = torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0])
    run.history, run.evals = [{"step": 4, "L_I_cat": 0.5}], [{"step": 4, "accuracy": 0.3}]
    run.segments = [{"from_step": 0, "precision": "float32"}]
    run.save(tmp_path / "checkpoint.pt")
    back = _run_state(tiny_config).restore(tmp_path / "checkpoint.pt")
    for name in ("step", "seconds", "count", "history", "evals", "segments"):
        assert getattr(back, name) == getattr(run, name), name
    assert torch.equal(back.sums, run.sums)
    assert torch.equal(back.gen.get_state(), run.gen.get_state())
    for a, b in ((back.opt_DQ, run.opt_DQ), (back.opt_G, run.opt_G)):
        assert all(torch.equal(sa[k], sb[k]) for sa, sb in zip(a.state.values(), b.state.values())
                   for k in sa)
    assert all(torch.equal(v, run.model.state_dict()[k]) for k, v in back.model.state_dict().items())
