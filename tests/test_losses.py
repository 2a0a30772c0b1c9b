import math

import pytest
import torch
import torch.nn.functional as F

from infogan_lite.losses import d_loss, g_loss, info_lower_bound
from infogan_lite.models import QOutput

H_C = math.log(10)


def _bound(cat_logits, c_cat):
    q = QOutput([cat_logits], torch.zeros(len(c_cat), 0))
    return info_lower_bound(q, c_cat, torch.zeros(len(c_cat), 0), H_C)[0]


def test_categorical_L_I_equals_H_c_for_a_perfect_Q():
    c = torch.arange(10).repeat(10)[:, None]
    logits = 50.0 * F.one_hot(c[:, 0], 10).float()   # Q(c|x) = 1 on the true category
    assert _bound(logits, c).item() == pytest.approx(H_C, abs=1e-6)


def test_categorical_L_I_is_zero_for_an_uninformative_Q():
    c = torch.randint(10, (1000, 1), generator=torch.Generator().manual_seed(0))
    assert _bound(torch.zeros(1000, 10), c).item() == pytest.approx(0.0, abs=1e-6)


def test_L_I_takes_logits_so_it_can_reach_H_c():
    """A softmax before the cross-entropy (a common port bug) caps L_I far below H(c)."""
    c = torch.arange(10)[:, None]
    logits = 50.0 * F.one_hot(c[:, 0], 10).float()
    doubly_softmaxed = _bound(logits.softmax(1), c).item()
    assert doubly_softmaxed == pytest.approx(H_C - math.log(1 + 9 / math.e), abs=1e-4)
    assert _bound(logits, c).item() - doubly_softmaxed > 1.4


def test_continuous_L_I_is_the_gaussian_log_likelihood_plus_log_2():
    c = torch.tensor([[0.5, -0.25]])
    mean = torch.tensor([[0.0, 0.0]])
    q = QOutput([], mean)
    expected = sum(-0.5 * v**2 - 0.5 * math.log(2 * math.pi) for v in (0.5, -0.25)) + 2 * math.log(2)
    got = info_lower_bound(q, torch.zeros(1, 0, dtype=torch.long), c, 0.0, 2 * math.log(2))[1]
    assert got.item() == pytest.approx(expected, abs=1e-6)


def test_learned_sigma_enters_the_continuous_log_likelihood():
    c, mean = torch.tensor([[1.0]]), torch.tensor([[0.0]])
    log_sigma = torch.tensor([[math.log(2.0)]])
    q = QOutput([], mean, log_sigma)
    got = info_lower_bound(q, torch.zeros(1, 0, dtype=torch.long), c, 0.0)[1].item()
    expected = -0.5 * (1 / 2) ** 2 - math.log(2.0) - 0.5 * math.log(2 * math.pi)
    assert got == pytest.approx(expected, abs=1e-6)


def test_gan_losses_match_the_minimax_value_and_the_non_saturating_loss():
    real, fake = torch.tensor([2.0, -1.0]), torch.tensor([0.5, -3.0])
    D_real, D_fake = real.sigmoid(), fake.sigmoid()
    V = torch.log(D_real).mean() + torch.log(1 - D_fake).mean()
    assert d_loss(real, fake).item() == pytest.approx(-V.item(), abs=1e-6)
    assert g_loss(fake).item() == pytest.approx(-torch.log(D_fake).mean().item(), abs=1e-6)


def test_gan_losses_stay_finite_for_extreme_logits():
    """BCE-with-logits: no log(0) where sigmoid-then-BCE would saturate."""
    huge = torch.tensor([200.0, -200.0])
    # -log sigma(l) = softplus(-l): 0 for l = 200, 200 for l = -200 (sigmoid-then-log: inf)
    assert d_loss(huge, -huge).item() == pytest.approx((0 + 200) / 2 + (0 + 200) / 2, rel=1e-6)
    assert g_loss(-huge).item() == pytest.approx((200 + 0) / 2, rel=1e-6)
    assert g_loss(torch.tensor([-200.0])).item() == pytest.approx(200.0, rel=1e-4)
