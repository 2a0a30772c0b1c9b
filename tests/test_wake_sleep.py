"""Specifications for infogan_lite.book.wake_sleep: the sleep bound on dreams, Q on real data,
and the wake-phase agreement (chapter 10)."""
import math

import pytest
import torch

from infogan_lite import InfoGAN, LatentSpec, TrainConfig
from infogan_lite.book.toy2d import Ring, ToyInfoGAN
from infogan_lite.train import make_optimizers, train_step
from infogan_lite.book.wake_sleep import dream, read_real, sleep_bound, wake_agreement

RING = Ring(K=8, radius=2.0, std=0.1)


pytestmark = pytest.mark.usefixtures("one_thread")


class _ModeG(torch.nn.Module):
    """Category k of a K-way code to mode k of the ring (K <= 8), plus a little noise."""

    def __init__(self, K):
        super().__init__()
        self.K = K

    def forward(self, latent):
        return latent[:, 2:2 + self.K] @ RING.means()[:self.K] + 0.01 * latent[:, :2]


class _AngleD(torch.nn.Module):
    """A Q that names the nearest of the first K modes: logits 50 <x, mu_k>."""

    def __init__(self, K, scale=50.0):
        super().__init__()
        self.K, self.scale = K, scale

    def forward(self, x, detach_q=False):
        return x[:, 0], self.scale * x @ RING.means()[:self.K].T


def _toy(K, scale=50.0):
    model = ToyInfoGAN(LatentSpec(n_noise=2, categorical=(K,), continuous=0))
    model.G, model.D = _ModeG(K), _AngleD(K, scale)
    return model


def test_a_perfect_reader_of_perfect_dreams_reaches_log_K():
    estimate, se = sleep_bound(_toy(8), n=2000)
    assert estimate == pytest.approx(math.log(8), abs=1e-6) and estimate <= math.log(8) + 1e-9


def test_a_blind_reader_scores_zero_on_balanced_dreams():
    estimate, _ = sleep_bound(_toy(8, scale=0.0), n=2000)   # uniform Q(c | x) = 1/8
    assert estimate == pytest.approx(0.0, abs=1e-6)   # float32 round-off


def test_dreams_use_every_category_equally():
    c_cat, x = dream(_toy(8), n=800, seed=3)
    assert torch.equal(torch.bincount(c_cat[:, 0], minlength=8), torch.full((8,), 100))
    assert x.shape == (800, 2)


def test_a_reader_trained_on_four_dreamed_modes_reads_the_others_confidently_and_wrongly():
    """The failure that L_I cannot see: the bound is perfect, half the data are misread."""
    model = _toy(4)
    assert sleep_bound(model, n=2000)[0] == pytest.approx(math.log(4), abs=1e-6)
    x, mode = RING.sample(4000, torch.Generator().manual_seed(0))
    category, confidence = read_real(model, x)
    unseen = mode >= 4                                   # modes 4..7 are never dreamed
    assert (category[~unseen] == mode[~unseen]).all()
    assert confidence[unseen].mean() > 0.9               # sure of itself where it never trained
    agreement = wake_agreement(model, x, RING.nearest_mode)
    assert agreement == pytest.approx((~unseen).float().mean().item(), abs=1e-6)


def test_wake_agreement_is_one_when_dreams_cover_the_data():
    x, _ = RING.sample(2000, torch.Generator().manual_seed(1))
    assert wake_agreement(_toy(8), x, RING.nearest_mode) == 1.0


def test_measurements_leave_the_models_training_mode_alone():
    model = InfoGAN(LatentSpec(62, (10,), 2)).train()
    sleep_bound(model, n=8)
    read_real(model, torch.rand(4, 1, 28, 28))
    assert model.training


def test_the_q_update_never_reads_the_real_batch():
    """One train_step from the same state with two different real batches: Q's head moves
    identically (a sleep-phase update), while D's trunk and G do not."""
    cfg = TrainConfig(dataset="toy")
    torch.manual_seed(0)
    template = InfoGAN(cfg.spec)
    after = []
    for seed in (1, 2):
        model = InfoGAN(cfg.spec)
        model.load_state_dict(template.state_dict())
        x_real = torch.rand(16, 1, 28, 28, generator=torch.Generator().manual_seed(seed))
        train_step(model, *make_optimizers(model, cfg), x_real, torch.Generator().manual_seed(9), cfg)
        after.append(model)
    a, b = after
    same = lambda m1, m2: all(torch.equal(p, q) for p, q in zip(m1.parameters(), m2.parameters()))
    assert same(a.D.q_head, b.D.q_head)
    assert not same(a.D.trunk, b.D.trunk) and not same(a.G, b.G)
