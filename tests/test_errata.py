"""Specifications against the bugs of public InfoGAN ports (book/errata.md).

Each test names the behaviour the paper and the authors' code require, and fails if a
port's bug is put back into infogan_lite. The errata page links every bug to its test.
"""
import dataclasses
import math

import pytest
import torch
from torch import nn

from infogan_lite import InfoGAN, LatentSpec, TrainConfig, train
from infogan_lite.architectures import ARCHITECTURES
from infogan_lite.paper_configs import paper_config
from infogan_lite.evaluate import evaluate_c1
from infogan_lite.losses import d_loss, g_loss
from infogan_lite.models import split_q
from infogan_lite.book.toy2d import Ring, ToyInfoGAN
from infogan_lite.train import make_optimizers, train_step


pytestmark = pytest.mark.usefixtures("one_thread")


def _models():
    """The MNIST model, and one model for every named architecture of the paper."""
    spec = LatentSpec(n_noise=62, categorical=(10,), continuous=2)
    for name, arch in ARCHITECTURES.items():
        torch.manual_seed(0)
        yield name, InfoGAN(spec, arch)


# --- Q's output: logits, not probabilities
def test_q_head_returns_logits_not_probabilities(model, spec):
    """A softmax at the end of Q, then a cross-entropy, applies softmax twice (L_I <= 0.84)."""
    assert isinstance(model.D.q_head[-1], nn.Linear), "Q's head must end in its linear layer"
    with torch.no_grad():
        model.D.q_head[-1].weight.mul_(1000.0)       # large outputs: probabilities stay in [0, 1]
    model.eval()
    x = torch.rand(8, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    logits = split_q(model.D(x)[1], spec, learn_sigma=False).cat_logits[0]
    assert logits.min() < 0 and logits.max() > 1
    assert not torch.allclose(logits.sum(dim=1), torch.ones(8), atol=1e-3)


# --- which optimiser steps what
def test_every_parameter_is_stepped_by_exactly_one_optimiser_D_with_Q_and_G_alone(model):
    """D's trunk, D's head and Q's head share one optimiser, G has its own, and there is no
    third optimiser: a port that puts Q's head with G (and the trunk with D alone) throws
    away the information gradient on the shared trunk."""
    opt_DQ, opt_G = make_optimizers(model, TrainConfig())
    stepped = lambda opt: {id(p) for group in opt.param_groups for p in group["params"]}
    ids = lambda module: {id(p) for p in module.parameters()}
    assert stepped(opt_DQ) == ids(model.D) and stepped(opt_G) == ids(model.G)
    assert ids(model.D.trunk) | ids(model.D.q_head) <= stepped(opt_DQ)


def test_generator_learns_at_1e_3_and_D_and_Q_at_2e_4():
    """Appendix C: lr 2e-4 for D (and Q), 1e-3 for G; Adam with beta1 = 0.5 (authors' code)."""
    torch.manual_seed(0)
    model = InfoGAN(TrainConfig().spec)
    opt_DQ, opt_G = make_optimizers(model, TrainConfig())
    assert [g["lr"] for g in opt_DQ.param_groups] == [2e-4]
    assert [g["lr"] for g in opt_G.param_groups] == [1e-3]
    assert all(g["betas"] == (0.5, 0.999) for o in (opt_DQ, opt_G) for g in o.param_groups)


# --- the GAN loss
def test_gan_loss_is_bce_with_logits_not_least_squares():
    """The paper's V(D, G), not the LSGAN loss: at D = 1/2 everywhere, -V = 2 log 2 for D and
    the generator's loss is log 2 (least squares would give 0.5 and 0.25)."""
    half = torch.zeros(16)                           # logit 0: D(x) = 1/2
    assert d_loss(half, half).item() == pytest.approx(2 * math.log(2), abs=1e-6)
    assert g_loss(half).item() == pytest.approx(math.log(2), abs=1e-6)
    sure = torch.tensor([3.0])                       # D(G(z)) = sigmoid(3)
    assert g_loss(sure).item() == pytest.approx(-math.log(torch.sigmoid(sure).item()), abs=1e-6)


def test_generator_gradient_survives_a_confident_discriminator():
    """Non-saturating loss from logits: when D is sure a fake is fake (logit -120), G still gets
    a gradient of -1 per sample. Sigmoid then BCELoss underflows to a zero gradient."""
    logit = torch.tensor([-120.0], requires_grad=True)
    g_loss(logit).backward()
    assert logit.grad.item() == pytest.approx(-1.0, abs=1e-4)
    fake = torch.tensor([-120.0], requires_grad=True)
    d_loss(torch.tensor([120.0]), fake).backward()   # D's loss is finite and flat here
    assert torch.isfinite(fake.grad).all() and abs(fake.grad.item()) < 1e-6


# --- the latent codes
def test_codes_fed_to_G_in_training_are_uniform_and_one_hot():
    """What train_step actually feeds G: z and the continuous codes from U(-1, 1), the
    categorical code one-hot and uniform over its 10 values (paper 7.2, authors' code)."""
    spec = LatentSpec(n_noise=62, categorical=(10,), continuous=2)
    torch.manual_seed(0)
    model, cfg = ToyInfoGAN(spec), TrainConfig(seed=0)
    seen = []
    model.G.register_forward_pre_hook(lambda module, args: seen.append(args[0].detach()))
    x_real, _ = Ring().sample(4096, torch.Generator().manual_seed(1))
    train_step(model, *make_optimizers(model, cfg), x_real, torch.Generator().manual_seed(2), cfg)
    latent = seen[0]
    z, one_hot, c_cont = latent[:, :62], latent[:, 62:72], latent[:, 72:]
    for u in (z, c_cont):
        assert -1 <= u.min() and u.max() <= 1, "U(-1, 1), not N(0, 1)"
        assert abs(u.mean()) < 0.03 and abs(u.var() - 1 / 3) < 0.03
    assert set(one_hot.unique().tolist()) == {0.0, 1.0}
    assert torch.equal(one_hot.sum(dim=1), torch.ones(4096)), "one-hot, not an index"
    assert torch.allclose(one_hot.mean(dim=0), torch.full((10,), 0.1), atol=0.02)


# --- the networks
def test_batch_norm_uses_eps_1e_5_not_0_8():
    """BatchNorm2d(C, 0.8) sets eps = 0.8 (the second positional argument), not momentum."""
    for name, model in _models():
        norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
        assert norms, name
        assert all(m.eps == 1e-5 for m in norms), f"{name}: eps {[m.eps for m in norms]}"


def test_d_and_q_have_no_dropout():
    """The paper has no dropout; in D it would also be active whenever Q reads the fakes."""
    for name, model in _models():
        assert not [m for m in model.modules() if isinstance(m, nn.modules.dropout._DropoutNd)], name


def test_a_batch_of_one_keeps_its_batch_dimension(model):
    """`.squeeze()` on D's output would drop the batch dimension when n = 1."""
    model.eval()
    d_logits, q_raw = model.D(torch.rand(1, 1, 28, 28))
    assert d_logits.shape == (1,) and q_raw.shape == (1, 12)
    cat_logits, cont = model.infer(torch.rand(1, 1, 28, 28))
    assert cat_logits[0].shape == (1, 10) and cont.shape == (1, 2)


def test_evaluation_leaves_batch_norm_statistics_alone(model):
    """Evaluating in train mode would update BN's running statistics on the evaluation batch."""
    model.train()
    before = {k: v.clone() for k, v in model.state_dict().items() if "running" in k}
    evaluate_c1(model, torch.rand(64, 1, 28, 28), torch.randint(10, (64,)))
    after = model.state_dict()
    assert all(torch.equal(v, after[k]) for k, v in before.items())
    assert model.training, "the model's mode is restored"


# --- where the paper is silent or contradicts itself
def test_mnist_fixes_sigma_to_1_and_the_other_data_sets_learn_it(model):
    """The text has Q learn sigma; the authors' MNIST code fixes it to 1 (paper-tables note 4).
    MNIST follows the code, the data sets without official code follow the text."""
    assert TrainConfig().learn_sigma is False
    assert model.D.q_head[-1].out_features == 10 + 2        # logits and 2 means, no sigma
    for name in ("svhn", "faces3d", "chairs"):
        assert paper_config(name).learn_sigma is True, name


def test_settings_the_paper_leaves_open_take_the_authors_code_values():
    """Batch size, Adam's beta1, the noise distribution and BN's eps: the authors' code."""
    cfg = TrainConfig()
    assert (cfg.batch_size, cfg.beta1, cfg.n_noise) == (128, 0.5, 62)
    z = cfg.spec.sample(20000, torch.Generator().manual_seed(0))[0]
    assert -1 <= z.min() and z.max() <= 1 and abs(z.var() - 1 / 3) < 0.01   # U(-1, 1)
    torch.manual_seed(0)
    norms = [m for m in InfoGAN(cfg.spec).modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    assert norms and all(m.eps == 1e-5 for m in norms)


# --- reproducibility
def test_two_runs_with_the_same_seed_are_identical(tiny_config, tmp_path):
    """Every random draw comes from the seed: two runs give the same weights, bit for bit;
    another seed gives other weights. (A port that draws codes from an unseeded numpy
    generator fails this.)"""
    runs = [train(dataclasses.replace(tiny_config, out_dir=str(tmp_path / name), seed=seed, steps=2),
                  progress=False)[0].state_dict()
            for name, seed in (("a", 3), ("b", 3), ("c", 4))]
    assert all(torch.equal(runs[0][k], runs[1][k]) for k in runs[0])
    assert not all(torch.equal(runs[0][k], runs[2][k]) for k in runs[0])


def test_training_creates_missing_output_folders(tiny_config, tmp_path):
    """A port that saves into a folder nothing creates crashes at its first checkpoint."""
    out = tmp_path / "not" / "yet" / "there"
    train(dataclasses.replace(tiny_config, out_dir=str(out), steps=2), progress=False)
    assert (out / "checkpoint.pt").exists() and (out / "record.json").exists()
