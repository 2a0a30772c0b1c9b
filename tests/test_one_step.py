"""`train_step` is the one place where the InfoGAN objective is assembled (eq. 6).

The chapters' tools that run a step of their own (the benchmark's variants, the step
profiler) are pinned to it here: the same state in, the same parameters out.
"""
import copy

import pytest
import torch

from infogan_lite import InfoGAN, TrainConfig
from infogan_lite.book.bench import BUILDERS, BenchConfig
from infogan_lite.book.step_profile import profile_step
from infogan_lite.train import make_optimizers, train_step

pytestmark = pytest.mark.usefixtures("one_thread")

CPU = torch.device("cpu")


def _images(n=64, seed=0):
    return torch.rand(n, 1, 28, 28, generator=torch.Generator().manual_seed(seed))


def _reference(model, x_batches, cfg, seed=0):
    """`train_step` on a copy of `model`, one step per batch, codes drawn from `seed`."""
    model = copy.deepcopy(model)
    opt_DQ, opt_G = make_optimizers(model, cfg)
    gen = torch.Generator().manual_seed(seed)
    for x in x_batches:
        train_step(model, opt_DQ, opt_G, x, gen, cfg)
    return model


def _equal(a, b, prefixes):
    sa, sb = a.state_dict(), b.state_dict()
    keys = [k for k in sa if k.startswith(prefixes)]
    assert keys
    diff = {k: float((sa[k].float() - sb[k].float()).abs().max()) for k in keys}
    assert max(diff.values()) < 1e-6, {k: v for k, v in diff.items() if v >= 1e-6}


def test_the_benchmarks_compute_floor_is_train_step_on_a_fixed_batch():
    cfg, images = BenchConfig(batch_size=8, amp="off"), _images()
    variant = BUILDERS["compute"](cfg, CPU, images)
    start = copy.deepcopy(variant.model)
    for _ in range(2):
        variant.step()
    tcfg = TrainConfig(amp="off", batch_size=8)
    _equal(variant.model, _reference(start, [images[:8]] * 2, tcfg), ("G.", "D."))


def test_the_benchmarks_plain_gan_step_is_train_step_with_lambda_zero():
    """Without Q, the plain GAN step must move G, D's trunk and D's head exactly as the
    InfoGAN step does when the information term weighs nothing."""
    cfg, images = BenchConfig(batch_size=8, amp="off"), _images()
    variant = BUILDERS["gan"](cfg, CPU, images)
    start = copy.deepcopy(variant.model)
    for _ in range(2):
        variant.step()
    from infogan_lite.train import batch_indices
    batches = [images[batch_indices(s, len(images), 8, 0)] for s in range(2)]
    tcfg = TrainConfig(amp="off", batch_size=8, lambda_cat=0.0, lambda_cont=0.0)
    _equal(variant.model, _reference(start, batches, tcfg), ("G.", "D.trunk", "D.d_head"))


def test_the_step_profiler_runs_train_steps_arithmetic():
    torch.manual_seed(0)
    model, cfg, x = InfoGAN(TrainConfig().spec), TrainConfig(amp="off"), _images(8)
    profiled = copy.deepcopy(model)
    opt_DQ, opt_G = make_optimizers(profiled, cfg)
    times = profile_step(profiled, opt_DQ, opt_G, x, torch.Generator().manual_seed(0), cfg,
                         repeats=1, clock="cpu")
    assert len(times) == 9
    _equal(profiled, _reference(model, [x, x], cfg), ("G.", "D."))


def test_the_pinning_fails_when_a_tool_changes_the_objective(monkeypatch):
    """The equivalence above is not vacuous: a profiler whose D step forgets lambda differs."""
    import infogan_lite.book.step_profile as sp
    torch.manual_seed(0)
    model, cfg, x = InfoGAN(TrainConfig().spec), TrainConfig(amp="off"), _images(8)
    profiled = copy.deepcopy(model)
    opt_DQ, opt_G = make_optimizers(profiled, cfg)
    real_d_loss = sp.d_loss
    monkeypatch.setattr(sp, "d_loss", lambda r, f: 2 * real_d_loss(r, f))
    profile_step(profiled, opt_DQ, opt_G, x, torch.Generator().manual_seed(0), cfg,
                 repeats=1, clock="cpu")
    with pytest.raises(AssertionError):
        _equal(profiled, _reference(model, [x, x], cfg), ("G.", "D."))
