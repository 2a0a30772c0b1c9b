"""Specifications for infogan_lite.book.toy2d: the ring data, the interface train_step needs, and
what the information term does (chapter 4)."""
import math

import pytest
import torch

from infogan_lite import LatentSpec, TrainConfig
from infogan_lite.losses import info_lower_bound
from infogan_lite.models import split_q
from infogan_lite.book.toy2d import Ring, ToyInfoGAN, evaluate_toy, train_toy
from infogan_lite.train import LOSS_NAMES, make_optimizers, train_step

SPEC = LatentSpec(n_noise=2, categorical=(8,), continuous=0)


pytestmark = pytest.mark.usefixtures("one_thread")


def test_ring_means_lie_on_the_circle_and_samples_sit_near_their_mode():
    ring = Ring(K=8, radius=2.0, std=0.05)
    assert ring.means().norm(dim=1) == pytest.approx(torch.full((8,), 2.0), abs=1e-6)
    x, mode = ring.sample(2000, torch.Generator().manual_seed(0))
    assert x.shape == (2000, 2) and mode.shape == (2000,)
    assert torch.equal(ring.nearest_mode(x), mode)             # modes 1.5 apart, std 0.05
    assert torch.bincount(mode, minlength=8).min() > 2000 / 8 * 0.7


def test_the_toy_model_has_the_interface_that_train_step_uses():
    model = ToyInfoGAN(SPEC)
    z, c_cat, c_cont = SPEC.sample(5)
    x = model.G(SPEC.assemble(z, c_cat, c_cont))
    d_logits, q_raw = model.D(x)
    assert x.shape == (5, 2) and d_logits.shape == (5,) and q_raw.shape == (5, 8)
    q = split_q(q_raw, SPEC, learn_sigma=False)
    assert q.cat_logits[0].shape == (5, 8)
    learned = ToyInfoGAN(LatentSpec(2, (4,), 3), learn_sigma=True)
    assert learned.D(torch.zeros(1, 2))[1].shape == (1, 4 + 2 * 3)


def test_one_train_step_changes_both_players_and_returns_finite_losses():
    torch.manual_seed(0)
    model, cfg = ToyInfoGAN(SPEC), TrainConfig(seed=0)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    opt_DQ, opt_G = make_optimizers(model, cfg)
    x_real, _ = Ring().sample(64, torch.Generator().manual_seed(1))
    losses = train_step(model, opt_DQ, opt_G, x_real, torch.Generator().manual_seed(2), cfg)
    assert losses.shape == (len(LOSS_NAMES),) and torch.isfinite(losses).all()
    after = model.state_dict()
    for part in ("G.net", "D.trunk", "D.d_head", "D.q_head"):
        assert any(not torch.equal(before[k], after[k]) for k in after if k.startswith(part)), part


def _info_gradients(model, detach_q=False):
    """Which parameter groups receive a gradient from L_I alone, on one batch of fakes.
    detach_q=True is how train_step runs the GAN + Q baseline (TrainConfig.baseline)."""
    z, c_cat, c_cont = SPEC.sample(64, torch.Generator().manual_seed(0))
    x = model.G(SPEC.assemble(z, c_cat, c_cont))
    q = split_q(model.D(x, detach_q=detach_q)[1], SPEC, False)
    L_I, _ = info_lower_bound(q, c_cat, c_cont, SPEC.H_c)
    model.zero_grad(set_to_none=True)
    L_I.backward()
    reached = lambda m: any(p.grad is not None and p.grad.abs().sum() > 0 for p in m.parameters())
    return reached(model.D.q_head), reached(model.D.trunk), reached(model.G)


def test_L_I_trains_Q_head_shared_trunk_and_G():
    assert _info_gradients(ToyInfoGAN(SPEC)) == (True, True, True)


def test_with_info_to_trunk_off_L_I_trains_Q_head_and_G_but_not_the_trunk():
    assert _info_gradients(ToyInfoGAN(SPEC, info_to_trunk=False)) == (True, False, True)


def test_the_gan_plus_q_baseline_trains_Q_head_only():
    assert _info_gradients(ToyInfoGAN(SPEC), detach_q=True) == (True, False, False)


def test_frozen_trunk_gives_the_same_outputs_as_the_shared_one():
    torch.manual_seed(0)
    shared = ToyInfoGAN(SPEC)
    frozen = ToyInfoGAN(SPEC, info_to_trunk=False)
    frozen.load_state_dict(shared.state_dict())
    x = torch.randn(10, 2)
    for a, b in zip(shared.D(x), frozen.D(x)):
        assert torch.allclose(a, b)


class _PerfectG(torch.nn.Module):
    """Category k to mode k (one-hot times the mode centres), plus a little of the noise."""

    def forward(self, latent):
        return latent[:, 2:10] @ Ring().means() + 0.01 * latent[:, :2]


class _PerfectD(torch.nn.Module):
    """A Q that reads the angle: logits 50 <x, mu_k>, largest at the nearest mode."""

    def forward(self, x, detach_q=False):
        return x[:, 0], 50.0 * x @ Ring().means().T


def test_evaluate_toy_reads_a_perfect_generator_as_perfect():
    model = ToyInfoGAN(SPEC)
    model.G, model.D = _PerfectG(), _PerfectD()
    result = evaluate_toy(model, Ring(), n=2000)
    assert result["accuracy"] == 1.0 and min(result["purity"]) == 1.0
    assert result["modes_covered"] == 8 and result["near_mode"] == 1.0
    assert result["L_I_cat"] == pytest.approx(math.log(8), abs=1e-3)


def test_L_I_rises_to_H_c_and_each_category_takes_one_mode():
    """Not a smoke test: 800 steps of the toy InfoGAN (a few seconds on one CPU thread)."""
    torch.manual_seed(0)
    model = ToyInfoGAN(SPEC)
    history, _ = train_toy(model, TrainConfig(seed=0), 800, log_every=100)
    assert history[0]["L_I_cat"] < 0.5 * math.log(8) < history[-1]["L_I_cat"]
    result = evaluate_toy(model)
    assert result["L_I_cat"] > 0.9 * math.log(8)
    assert result["accuracy"] > 0.95 and result["modes_covered"] == 8


def test_without_the_information_term_the_code_carries_nothing():
    torch.manual_seed(0)
    model = ToyInfoGAN(SPEC)
    train_toy(model, TrainConfig(seed=0, lambda_cat=0.0), 400, log_every=100)
    assert evaluate_toy(model)["L_I_cat"] < 0.3


def test_snapshots_record_the_fixed_latent_batch_on_schedule():
    model = ToyInfoGAN(SPEC)
    history, snaps = train_toy(model, TrainConfig(seed=0), 30, log_every=10, snapshot_every=15,
                               n_snapshot=64)
    assert [r["step"] for r in history] == [10, 20, 30]
    assert [s["step"] for s in snaps] == [15, 30]
    assert snaps[0]["x"].shape == (64, 2)
    assert torch.equal(snaps[0]["c_cat"], snaps[1]["c_cat"])
