"""Golden-step tests: `train_step` against InfoGAN's objective written out by hand.

InfoGAN solves  min_{G,Q} max_D  V_I(D, G, Q) = V(D, G) - lambda L_I(G, Q)   (eq. 6), where
    V(D, G)   = E_x[log D(x)] + E_{z,c}[log(1 - D(G(z, c)))]                  (eq. 1),
    L_I(G, Q) = E_{c ~ P(c), x ~ G(z, c)}[log Q(c | x)] + H(c)                  (eq. 5),
with lambda_cat on the categorical codes and lambda_cont on the continuous ones. D and Q
step first on detached fakes; G then steps against the updated D and Q with the
non-saturating loss -log D(G(z, c)) - lambda L_I. Semi-supervised runs add lambda_sup
times Q's cross-entropy of the first categorical code on labelled real images to D and Q.

Every expected value here comes from this file's own arithmetic: the library supplies
only the networks (their forward passes) and its optimisers; the prior draws of z and c,
the losses, and which parameters each term may train are written below.
"""
import copy
import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from infogan_lite.codes import LatentSpec
from infogan_lite.config import TrainConfig
from infogan_lite.infogan import InfoGAN
from infogan_lite.models import Architecture, Layer
from infogan_lite.train import make_optimizers, train_step

# two categorical codes whose sizes do not increase: a split of Q's output or a draw that
# mixed up the codes' sizes would show
SPEC = LatentSpec(n_noise=3, categorical=(4, 3), continuous=2)
BATCH = 8
# 8x8 images and no batch norm: a bias in front of batch norm has a zero gradient up to
# rounding, which Adam's first step (lr * g / |g|) would blow up to +-lr.
TINY = Architecture(image_size=8, g_fc=(), g_base=(6, 2), g_base_bn=False,
                    g_upconv=(Layer(4, 2, False),), d_conv=(Layer(4, 2, False), Layer(6, 2, False)),
                    d_fc=(), q_hidden=None)
CFG = dict(**SPEC.to_dict(), learn_sigma=True, lambda_cat=0.7, lambda_cont=0.3, lambda_sup=0.6,
           lr_d=0.01, lr_g=0.02, beta1=0.3, beta2=0.9, batch_size=BATCH, device="cpu", amp="off")


# The same with batch norm in G and in D's trunk: the step must run both networks in
# training mode, real and fake images through D as separate batches, in the order below.
TINY_BN = Architecture(image_size=8, g_fc=(), g_base=(6, 2), g_base_bn=True,
                       g_upconv=(Layer(4, 2, True),), d_conv=(Layer(4, 2, False), Layer(6, 2, True)),
                       d_fc=(), q_hidden=None)


def make_twins(arch):
    torch.manual_seed(0)
    model = InfoGAN(SPEC, arch, learn_sigma=True)
    for m in model.modules():  # torch's default init: outputs far from 0, every term matters
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            m.reset_parameters()
    return model.train(), copy.deepcopy(model).train()


@pytest.fixture
def twins(one_thread):
    """The library's tiny model and an identical copy that the hand-written step trains
    (on one CPU thread: fast and reproducible on a shared machine)."""
    return make_twins(TINY)


@pytest.fixture
def bn_twins(one_thread):
    return make_twins(TINY_BN)


def prior(n, g):
    """(z, c_cat, c_cont) drawn from the prior with generator g, in the library's order:
    z ~ U(-1, 1)^3, then c1 ~ Cat(4), c2 ~ Cat(3), then c_cont ~ U(-1, 1)^2."""
    z = torch.rand(n, 3, generator=g) * 2 - 1
    c_cat = torch.stack([torch.randint(4, (n,), generator=g), torch.randint(3, (n,), generator=g)], 1)
    return z, c_cat, torch.rand(n, 2, generator=g) * 2 - 1


# --- the objective, by hand ---------------------------------------------------------------

def split(q):
    """Q's raw output for SPEC: logits of c1 (4), logits of c2 (3), means (2), log sigmas (2)."""
    return q[:, 0:4], q[:, 4:7], q[:, 7:9], q[:, 9:11]


def log_pick(logits, c):
    """E[log Q(c_i | x)] of one categorical code: the log-softmax at the drawn category."""
    return logits.log_softmax(1).gather(1, c[:, None]).mean()


def gan_value(real_logits, fake_logits):
    """V(D, G) of eq. 1 with D = sigmoid(logit): log(1 - sigmoid(l)) = logsigmoid(-l)."""
    return F.logsigmoid(real_logits).mean() + F.logsigmoid(-fake_logits).mean()


def info_terms(q, c_cat, c_cont):
    """L_I of eq. 5 as (categorical part, continuous part).

    H(c) = log 4 + log 3 for the categorical codes and log 2 per U(-1, 1) code; Q's
    continuous factor is N(mu, sigma^2) with learned log sigma, summed over the two codes.
    """
    logits1, logits2, mu, log_sigma = split(q)
    cat = log_pick(logits1, c_cat[:, 0]) + log_pick(logits2, c_cat[:, 1]) + math.log(4) + math.log(3)
    log_density = (-(c_cont - mu) ** 2 / (2 * torch.exp(2 * log_sigma)) - log_sigma
                   - 0.5 * math.log(2 * math.pi))
    return cat, log_density.sum(1).mean() + 2 * math.log(2)


def set_grads(params, loss, info_loss, reach):
    """p.grad = d loss / dp, plus d info_loss / dp for the parameters in `reach` only."""
    grads = torch.autograd.grad(loss, params, retain_graph=True, allow_unused=True)
    for p, g in zip(params, grads):
        p.grad = torch.zeros_like(p) if g is None else g
    for p, g in zip(reach, torch.autograd.grad(info_loss, reach, allow_unused=True) if reach else []):
        p.grad = p.grad + (0 if g is None else g)


def hand_step(model, opt_DQ, opt_G, x_real, draws, cfg, labelled):
    """One update of eq. 6, written out; returns (L_D, L_G, L_I_cat, L_I_cont, L_sup).
    draws: a generator seeded as the library's; the prior is drawn from it by `prior`."""
    G, D = model.G, model.D

    def fake(draws):
        z, c_cat, c_cont = prior(BATCH, draws)
        return G(torch.cat([z, F.one_hot(c_cat[:, 0], 4), F.one_hot(c_cat[:, 1], 3), c_cont], 1)), \
            c_cat, c_cont

    x_fake, c_cat, c_cont = fake(draws)

    def d_and_q(x):
        h = D.trunk(x)
        return D.d_head(h)[:, 0], D.q_head(h)

    def weighted(cat, cont):
        return cfg.lambda_cat * cat + cfg.lambda_cont * cont

    # which parameters the information term may train: in the "GAN + Q" baseline, Q's head only
    reach_D = list(D.q_head.parameters()) if cfg.baseline else list(D.parameters())
    reach_G = [] if cfg.baseline else list(G.parameters())

    # 1. D and Q: minimise -V - lambda L_I (+ lambda_sup L_sup) on fakes detached from G
    real_logits, _ = d_and_q(x_real)
    fake_logits, q = d_and_q(x_fake.detach())
    L_I_cat, L_I_cont = info_terms(q, c_cat, c_cont)
    L_D = -gan_value(real_logits, fake_logits)
    L_sup = (-log_pick(split(d_and_q(labelled[0])[1])[0], labelled[1]) if labelled
             else torch.zeros(()))
    set_grads(list(D.parameters()), L_D + cfg.lambda_sup * L_sup, -weighted(L_I_cat, L_I_cont),
              reach_D)
    opt_DQ.step()

    # 2. G, against the updated D and Q: -log D(G(z, c)) - lambda L_I; with fresh_g_latents
    # on fakes of its own draw of the prior
    if cfg.fresh_g_latents:
        x_fake, c_cat, c_cont = fake(draws)
    fake_logits, q = d_and_q(x_fake)
    L_G = -F.logsigmoid(fake_logits).mean()
    set_grads(list(G.parameters()), L_G, -weighted(*info_terms(q, c_cat, c_cont)), reach_G)
    opt_G.step()
    return torch.stack([L_D, L_G, L_I_cat, L_I_cont, L_sup]).detach()


# --- running the library and the hand-written step side by side ----------------------------

def run_both(twins, steps, labelled=True, bn=False, param_atol=1e-6, **overrides):
    """`steps` updates of the library and of the hand-written step from the same draws;
    after each, every gradient and parameter must agree. Returns both loss vectors.

    bn: the networks have batch norm. A bias in front of batch norm then has a gradient that
    is rounding noise, which Adam turns into a step of up to lr either way: such biases are
    left out of the comparison of parameters (batch norm cancels them in D's and G's
    outputs), and the running means, which they shift, are compared to 2.5 lr; gradients,
    summed over batch statistics, to 1e-6."""
    lib, hand = twins
    cfg = TrainConfig(**{**CFG, **overrides})
    lib_opts = make_optimizers(lib, cfg)
    hand_opts = (torch.optim.Adam(hand.D.parameters(), lr=cfg.lr_d, betas=(cfg.beta1, cfg.beta2)),
                 torch.optim.Adam(hand.G.parameters(), lr=cfg.lr_g, betas=(cfg.beta1, cfg.beta2)))
    data = torch.Generator().manual_seed(1)
    gen = torch.Generator().manual_seed(2)
    for step in range(steps):
        x_real = torch.rand(BATCH, 1, 8, 8, generator=data)
        lab = (torch.rand(5, 1, 8, 8, generator=data), torch.randint(4, (5,), generator=data))
        lab = lab if labelled else None
        same_draws = torch.Generator()
        same_draws.set_state(gen.get_state())  # the library draws its prior from gen
        got = train_step(lib, *lib_opts, x_real, gen, cfg, labelled=lab)
        expected = hand_step(hand, *hand_opts, x_real, same_draws, cfg, lab)
        pairs = [(f"{net}.{name}", p, q) for net in ("D", "G")  # D first: its step comes first
                 for (name, p), q in zip(getattr(lib, net).named_parameters(),
                                         getattr(hand, net).parameters())]
        for name, p, q in pairs:
            where = f"{name} after step {step + 1}"
            g = torch.zeros_like(p) if p.grad is None else p.grad
            torch.testing.assert_close(g, q.grad, rtol=1e-5, atol=1e-6 if bn else 1e-7, msg=lambda m: f"grad of {where}: {m}")
            if not (bn and name.endswith("bias") and q.grad.abs().max() < 1e-5):
                torch.testing.assert_close(p, q, rtol=0, atol=param_atol, msg=lambda m: f"{where}: {m}")
        for (name, a), b in zip(lib.named_buffers(), hand.buffers()):
            lr = cfg.lr_d if name.startswith("D.") else cfg.lr_g
            atol = 2.5 * lr if name.endswith("running_mean") else 1e-6
            torch.testing.assert_close(a, b, rtol=0, atol=atol, msg=lambda m: f"{name}: {m}")
    return got, expected


def test_one_step_matches_the_objective_written_by_hand(twins):
    """Eq. 6 with lambda_cat != lambda_cont, two categorical codes, learned sigma and the
    semi-supervised term: every gradient and every parameter after one step."""
    run_both(twins, steps=1)


def test_a_second_step_matches_too_so_adams_state_is_the_configs(twins):
    """Adam's first step is lr * sign(g) whatever the betas; the second shows them, and shows
    gradients left over from the first step."""
    run_both(twins, steps=2)


def test_the_returned_losses_are_the_terms_of_the_objective_written_by_hand(twins):
    """(L_D, L_G, L_I_cat, L_I_cont, L_sup) = (-V of eq. 1, -log D(G(z, c)) against the updated
    D, eq. 5's categorical and continuous parts with their H(c), Q's cross-entropy)."""
    got, expected = run_both(twins, steps=1)
    torch.testing.assert_close(got, expected, rtol=0, atol=1e-6)


def test_in_the_gan_plus_q_baseline_the_information_term_trains_q_head_only(twins):
    """The paper's "GAN + Q" baseline (Fig. 1): L_I trains Q's head, never D's shared trunk
    nor G, which get the gradients of the GAN value (eq. 1) alone."""
    run_both(twins, steps=2, labelled=False, baseline=True)


def test_a_step_with_fresh_latents_for_g_matches_the_objective_written_by_hand(twins):
    """fresh_g_latents: G's update draws z and c anew from the prior, after D's. (One weight
    of G has a gradient near zero whose Adam step rounds apart by a few 1e-6.)"""
    run_both(twins, steps=2, fresh_g_latents=True, param_atol=1e-5)


def test_a_step_of_networks_with_batch_norm_matches_the_objective_written_by_hand(bn_twins):
    """Batch norm in G and in D's trunk: both networks in training mode, batch statistics of
    the real, the fake and the labelled images taken apart, running statistics updated by
    exactly the forward passes of eq. 6."""
    run_both(bn_twins, steps=2, bn=True)
