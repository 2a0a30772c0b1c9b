"""The paper's configurations (Appendix C, Tables 1-7) as ready TrainConfigs.

The expected numbers below are copied from the paper's tables, not computed from the code.
"""
import functools
import math

import pytest
import torch
from torch import nn

from infogan_lite import InfoGAN, TrainConfig
from infogan_lite.architectures import ARCHITECTURES, architecture
from infogan_lite.paper_configs import paper_config
from infogan_lite.train import make_optimizers, train_step

# name: (G input size in the table, image [C, H, W], categorical codes, continuous codes)
PAPER = {
    "mnist": (74, (1, 28, 28), (10,), 2),                   # Table 1
    "svhn": (168, (3, 32, 32), (10,) * 4, 4),               # Table 2, Appendix C.2
    "celeba": (228, (3, 32, 32), (10,) * 10, 0),            # Table 3, Appendix C.3
    "faces3d-azimuth": (133, (1, 32, 32), (), 5),           # Table 4, Appendix C.4
    "faces3d-elevation": (133, (1, 32, 32), (), 5),
    "faces3d-lighting": (133, (1, 32, 32), (), 5),
    "faces3d-width": (133, (1, 32, 32), (), 5),
    "chairs-rotation": (189, (1, 64, 64), (20,) * 3, 1),    # Table 6, Appendix C.5
    "chairs-width": (189, (1, 64, 64), (20,) * 3, 1),
}


pytestmark = pytest.mark.usefixtures("one_thread")


def _new_model(cfg: TrainConfig) -> InfoGAN:
    torch.manual_seed(0)
    return InfoGAN(cfg.spec, architecture(cfg.arch_name), cfg.learn_sigma)


@functools.cache
def _model(name: str) -> InfoGAN:
    """One model per name, in eval mode, for the tests that only read it (chairs is 39M weights)."""
    return _new_model(paper_config(name)).eval()


@pytest.mark.parametrize("name", PAPER)
def test_generator_input_is_the_tables_number(name):
    dim, _, categorical, continuous = PAPER[name]
    cfg = paper_config(name).validate()
    assert cfg.spec.dim == dim
    assert cfg.categorical == categorical and cfg.continuous == continuous
    assert _model(name).G.net[0].in_features == dim


@pytest.mark.parametrize("name", PAPER)
def test_G_D_and_Q_have_the_shapes_of_the_latent_spec(name):
    _, image, categorical, continuous = PAPER[name]
    cfg = paper_config(name)
    model = _model(name)
    n = 3
    c_cat = torch.zeros(n, len(categorical), dtype=torch.long)
    x = model.generate(c_cat, torch.zeros(n, continuous), seed=0)
    assert x.shape == (n, *image)
    z = cfg.spec.sample(n, generator=torch.Generator().manual_seed(0))[0]
    with torch.no_grad():
        out = model.G(cfg.spec.assemble(z, c_cat, torch.zeros(n, continuous)))
    # sigmoid output as is; tanh output (Tables 2 and 3) moved from [-1, 1] to [0, 1]
    torch.testing.assert_close(x, out if model.arch.g_output == "sigmoid" else (out + 1) / 2)
    assert 0 <= x.min() and x.max() <= 1
    d_logits, q_raw = model.D(model.from_unit_range(x))
    sigma_units = continuous if cfg.learn_sigma else 0
    assert d_logits.shape == (n,) and q_raw.shape == (n, sum(categorical) + continuous + sigma_units)
    cat_logits, cont_mean = model.infer(x)
    assert [tuple(l.shape) for l in cat_logits] == [(n, k) for k in categorical]
    assert cont_mean.shape == (n, continuous)


@pytest.mark.parametrize("name", ["mnist", "svhn", "celeba", "faces3d-azimuth", "chairs-rotation"])
def test_one_training_step_runs_with_finite_losses(name):
    """One name per architecture; the other faces and chairs rows differ in lr and lambda only."""
    _, image, _, _ = PAPER[name]
    cfg = paper_config(name)
    model = _new_model(cfg)
    opt_DQ, opt_G = make_optimizers(model, cfg)
    before = [p.detach().clone() for p in (model.G.net[0].weight, model.D.q_head[-1].weight)]
    x = torch.rand(4, *image, generator=torch.Generator().manual_seed(1)) * 2 - 1 \
        if model.arch.g_output == "tanh" else torch.rand(4, *image)
    losses = train_step(model, opt_DQ, opt_G, x, torch.Generator().manual_seed(2), cfg)
    assert torch.isfinite(losses).all()
    after = (model.G.net[0].weight, model.D.q_head[-1].weight)
    assert all(not torch.equal(b, a) for b, a in zip(before, after)), "G and Q must both change"


def _strides(module, kind):
    return [m.stride[0] for m in module.modules() if isinstance(m, kind)]


def test_svhn_and_celeba_follow_tables_2_and_3():
    assert ARCHITECTURES["celeba"] == ARCHITECTURES["svhn"]  # Table 3's layers equal Table 2's
    model = _model("svhn")
    assert [(c.out_channels, c.stride[0]) for c in model.D.trunk if isinstance(c, nn.Conv2d)] == [
        (64, 2), (128, 2), (256, 2)]
    assert model.G.net[0].out_features == 2 * 2 * 448
    assert [u.out_channels for u in model.G.net if isinstance(u, nn.ConvTranspose2d)] == [256, 128, 64, 3]
    # batch norm on G's FC 2x2x448 and upconv 256 only, tanh output
    assert [b.num_features for b in model.G.net if isinstance(b, (nn.BatchNorm1d, nn.BatchNorm2d))] == [
        1792, 256]
    assert isinstance(model.G.net[-1], nn.Tanh)
    assert [l.out_features for l in model.D.q_head if isinstance(l, nn.Linear)][0] == 128


@pytest.mark.parametrize("name, base", [("faces3d-azimuth", 8 * 8 * 128),
                                        ("chairs-rotation", 8 * 8 * 256)])
def test_faces_and_chairs_share_the_whole_network_between_D_and_Q(name, base):
    model = _model(name)
    assert len(model.D.q_head) == 1 and model.D.q_head[0].in_features == 1024  # output units only
    assert [l.out_features for l in model.G.net if isinstance(l, nn.Linear)] == [1024, base]
    assert isinstance(model.G.net[-1], nn.Sigmoid)


def test_chairs_strides_make_64_by_64():
    model = _model("chairs-rotation")
    convs = [m for m in model.D.trunk if isinstance(m, nn.Conv2d)]
    assert [c.out_channels for c in convs] == [64, 128, 256, 256, 256]
    assert [c.stride[0] for c in convs] == [2, 2, 2, 1, 1]
    ups = [m for m in model.G.net if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))]
    assert [u.out_channels for u in ups] == [256, 256, 128, 64, 1]
    # stride-1 "upconvs" are plain convolutions; the three stride-2 ones double 8 -> 64
    assert [isinstance(u, nn.ConvTranspose2d) for u in ups] == [False, False, True, True, True]


@pytest.mark.parametrize("name, lr_d, lr_g, lambda_cont", [
    ("faces3d-azimuth", 2e-4, 5e-4, 0.2),     # Table 5
    ("faces3d-elevation", 4e-4, 3e-4, 0.1),
    ("faces3d-lighting", 8e-4, 3e-4, 0.1),
    ("faces3d-width", 8e-4, 3e-4, 0.1),       # "same network as lighting"
])
def test_faces_hyperparameters_are_table_5(name, lr_d, lr_g, lambda_cont):
    cfg = paper_config(name)
    assert (cfg.lr_d, cfg.lr_g, cfg.lambda_cont) == (lr_d, lr_g, lambda_cont)


@pytest.mark.parametrize("name, lambda_cont, lambda_cat", [
    ("chairs-rotation", 10.0, 1.0), ("chairs-width", 0.05, 2.0)])   # Table 7
def test_chairs_hyperparameters_are_table_7(name, lambda_cont, lambda_cat):
    cfg = paper_config(name)
    assert (cfg.lr_d, cfg.lr_g, cfg.lambda_cont, cfg.lambda_cat) == (2e-4, 1e-3, lambda_cont, lambda_cat)


def test_defaults_are_the_papers_and_overrides_win():
    cfg = paper_config("svhn", steps=10, batch_size=4)
    assert (cfg.lr_d, cfg.lr_g, cfg.lambda_cat, cfg.beta1) == (2e-4, 1e-3, 1.0, 0.5)
    assert (cfg.steps, cfg.batch_size, cfg.dataset, cfg.arch_name) == (10, 4, "svhn", "svhn")
    assert paper_config("mnist").to_dict() == {**TrainConfig().to_dict(), "out_dir": "runs/mnist"}
    assert math.isclose(paper_config("celeba").spec.H_c, 10 * math.log(10))


def test_unknown_names_list_the_known_ones():
    with pytest.raises(ValueError, match="unknown paper configuration 'cifar'.*chairs-rotation"):
        paper_config("cifar")
    with pytest.raises(ValueError, match="unknown architecture 'cifar'.*svhn"):
        architecture("cifar")


def test_bare_names_pick_the_first_row_of_tables_5_and_7():
    for alias, row in [("faces3d", "faces3d-azimuth"), ("chairs", "chairs-rotation")]:
        assert paper_config(alias, out_dir="x").to_dict() == paper_config(row, out_dir="x").to_dict()
