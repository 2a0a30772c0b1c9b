import pytest
import torch
from torch import nn

from infogan_lite import Architecture, InfoGAN, LatentSpec, Layer, TrainConfig
from infogan_lite.models import split_q
from infogan_lite.train import make_optimizers, train_step


def _layers(module, kinds):
    return [m for m in module.modules() if isinstance(m, kinds)]


def test_generator_is_table_1(model):
    linear = _layers(model.G, nn.Linear)
    assert [(l.in_features, l.out_features) for l in linear] == [(74, 1024), (1024, 7 * 7 * 128)]
    up = _layers(model.G, nn.ConvTranspose2d)
    assert [(u.in_channels, u.out_channels, u.kernel_size, u.stride) for u in up] == [
        (128, 64, (4, 4), (2, 2)), (64, 1, (4, 4), (2, 2))]
    assert [b.num_features for b in _layers(model.G, (nn.BatchNorm1d, nn.BatchNorm2d))] == [1024, 6272, 64]
    assert len(_layers(model.G, nn.ReLU)) == 3 and isinstance(model.G.net[-1], nn.Sigmoid)


def test_discriminator_and_q_are_table_1(model):
    convs = _layers(model.D.trunk, nn.Conv2d)
    assert [(c.in_channels, c.out_channels, c.kernel_size, c.stride) for c in convs] == [
        (1, 64, (4, 4), (2, 2)), (64, 128, (4, 4), (2, 2))]
    assert [(l.in_features, l.out_features) for l in _layers(model.D.trunk, nn.Linear)] == [(6272, 1024)]
    # batch norm on conv2 and FC1024, never on D's first layer
    assert [b.num_features for b in _layers(model.D.trunk, (nn.BatchNorm1d, nn.BatchNorm2d))] == [128, 1024]
    assert not isinstance(model.D.trunk[1], (nn.BatchNorm2d,))
    assert all(a.negative_slope == 0.1 for a in _layers(model.D, nn.LeakyReLU))
    assert (model.D.d_head.in_features, model.D.d_head.out_features) == (1024, 1)
    q = _layers(model.D.q_head, nn.Linear)
    assert [(l.in_features, l.out_features) for l in q] == [(1024, 128), (128, 12)]
    assert [b.num_features for b in _layers(model.D.q_head, nn.BatchNorm1d)] == [128]
    assert not _layers(model.D, nn.Sigmoid), "D outputs logits; the sigmoid lives in the loss"


def test_generate_returns_images_in_unit_range(model):
    model.eval()
    cat, cont = torch.arange(10)[:, None], torch.zeros(10, 2)
    x = model.generate(cat, cont, seed=1)
    assert x.shape == (10, 1, 28, 28) and x.dtype == torch.float32
    z = model.spec.sample(10, generator=torch.Generator().manual_seed(1))[0]  # the noise of seed 1
    with torch.no_grad():
        assert torch.equal(x, model.G(model.spec.assemble(z, cat, cont)))  # G's sigmoid output
    assert 0 <= x.min() and x.max() <= 1


def test_generate_is_reproducible_from_a_seed(model):
    model.eval()
    cat, cont = torch.zeros(4, 1, dtype=torch.long), torch.zeros(4, 2)
    assert torch.equal(model.generate(cat, cont, seed=7), model.generate(cat, cont, seed=7))
    assert not torch.equal(model.generate(cat, cont, seed=7), model.generate(cat, cont, seed=8))


def test_generate_uses_given_noise(model, spec):
    model.eval()
    z = spec.sample(3, generator=torch.Generator().manual_seed(0))[0]
    cat, cont = torch.zeros(3, 1, dtype=torch.long), torch.zeros(3, 2)
    assert torch.equal(model.generate(cat, cont, noise=z), model.generate(cat, cont, noise=z, seed=99))


def test_infer_returns_logits_per_code_and_continuous_means(model):
    model.eval()
    cat_logits, cont_mean = model.infer(torch.rand(5, 1, 28, 28))
    assert isinstance(cat_logits, list) and len(cat_logits) == 1
    assert cat_logits[0].shape == (5, 10) and cont_mean.shape == (5, 2)


def test_info_term_gradient_reaches_Q_the_shared_trunk_and_G(model, spec):
    """The bug of a popular port: the MI term must train D's trunk, not only Q and G."""
    z, c_cat, c_cont = spec.sample(8, generator=torch.Generator().manual_seed(0))
    x = model.G(spec.assemble(z, c_cat, c_cont))
    _, q_raw = model.D(x)
    q = split_q(q_raw, spec, learn_sigma=False)
    info = -torch.nn.functional.cross_entropy(q.cat_logits[0], c_cat[:, 0])
    info.backward()
    for name, net in [("Q", model.D.q_head), ("trunk", model.D.trunk), ("G", model.G)]:
        grads = [p.grad for p in net.parameters() if p.grad is not None]
        assert grads and any(g.abs().sum() > 0 for g in grads), f"no info gradient in {name}"
    assert all(p.grad is None for p in model.D.d_head.parameters())


def _grads_after_one_step(**overrides):
    """Gradients that train_step applied, for a fixed model, batch and latent draw."""
    cfg = TrainConfig(dataset="toy", **overrides)
    torch.manual_seed(0)
    m = InfoGAN(cfg.spec)
    opt_DQ, opt_G = make_optimizers(m, cfg)
    x = torch.rand(16, 1, 28, 28, generator=torch.Generator().manual_seed(1))
    train_step(m, opt_DQ, opt_G, x, torch.Generator().manual_seed(2), cfg)
    return {name: torch.cat([p.grad.flatten() for p in net.parameters()])
            for name, net in [("trunk", m.D.trunk), ("Q", m.D.q_head), ("G", m.G)]}


@pytest.mark.parametrize("part", ["trunk", "Q", "G"])
def test_lambda_L_I_changes_the_update_of_the_trunk_Q_and_G(part):
    with_info = _grads_after_one_step(lambda_cat=1.0, lambda_cont=1.0)[part]
    without = _grads_after_one_step(lambda_cat=0.0, lambda_cont=0.0)[part]
    assert (with_info - without).abs().max() > 1e-6


def test_in_the_gan_plus_q_baseline_L_I_trains_Q_only():
    with_info = _grads_after_one_step(baseline=True)
    without = _grads_after_one_step(baseline=True, lambda_cat=0.0, lambda_cont=0.0)
    assert torch.equal(with_info["trunk"], without["trunk"])
    assert torch.equal(with_info["G"], without["G"])
    assert (with_info["Q"] - without["Q"]).abs().max() > 1e-6


def test_other_image_sizes_reuse_the_same_code():
    arch = Architecture(image_size=32, channels=3, g_fc=(), g_base=(448, 2),
                        g_upconv=(Layer(256, 2, True), Layer(128, 2, False), Layer(64, 2, False)),
                        g_output="tanh",
                        d_conv=(Layer(64, 2, False), Layer(128, 2, True), Layer(256, 2, True)),
                        d_fc=())
    spec = LatentSpec(124, (10, 10, 10, 10), 4)
    m = InfoGAN(spec, arch).eval()
    cat, cont = torch.zeros(2, 4, dtype=torch.long), torch.zeros(2, 4)
    x = m.generate(cat, cont, seed=0)
    assert x.shape == (2, 3, 32, 32)
    z = spec.sample(2, generator=torch.Generator().manual_seed(0))[0]
    with torch.no_grad():
        tanh = m.G(spec.assemble(z, cat, cont))                       # in [-1, 1]
    assert tanh.min() < 0 and torch.allclose(x, (tanh + 1) / 2)      # moved to [0, 1]
    cat_logits, cont = m.infer(x)
    assert len(cat_logits) == 4 and cont.shape == (2, 4)


def test_an_image_size_the_generator_cannot_make_is_rejected():
    with pytest.raises(ValueError, match="generator makes 28x28"):
        Architecture(image_size=32)


@pytest.mark.parametrize("call, message", [
    (lambda m: m.generate(torch.zeros(2, 1), torch.zeros(2, 2)), "integer tensor"),
    (lambda m: m.generate(torch.zeros(2, 2, dtype=torch.long), torch.zeros(2, 2)), r"shape \[n, 1\]"),
    (lambda m: m.generate(torch.tensor([[10]]), torch.zeros(1, 2)), "values 0..9"),
    (lambda m: m.generate(torch.tensor([[-1]]), torch.zeros(1, 2)), "values 0..9"),
    (lambda m: m.generate(torch.tensor([[1]]), torch.zeros(1, 3)), r"shape \[1, 2\]"),
    (lambda m: m.generate(torch.tensor([[1]]), torch.tensor([[float("nan"), 0.0]])), "NaN"),
    (lambda m: m.generate(torch.tensor([[1]]), torch.zeros(1, 2), noise=torch.zeros(1, 5)), "noise"),
    (lambda m: m.infer(torch.rand(2, 28, 28)), r"shape \[n, 1, 28, 28\]"),
    (lambda m: m.infer(torch.zeros(2, 1, 28, 28, dtype=torch.uint8)), "float images"),
])
def test_bad_calls_are_rejected_with_what_was_expected(model, call, message):
    with pytest.raises(ValueError, match=message):
        call(model)


@pytest.mark.parametrize("learn_sigma", [False, True])
def test_q_s_output_is_split_in_the_order_of_the_codes_whatever_their_sizes(learn_sigma):
    """(10, 4): c1's 10 logits, c2's 4, the means, then (learned sigma) the log sigmas."""
    spec = LatentSpec(n_noise=3, categorical=(10, 4), continuous=2)
    width = 10 + 4 + 2 * (2 if learn_sigma else 1)
    q = split_q(torch.arange(width).float().repeat(3, 1), spec, learn_sigma)
    assert [t[0].tolist() for t in q.cat_logits] == [list(range(10)), list(range(10, 14))]
    assert q.cont_mean[0].tolist() == [14, 15]
    assert (q.cont_log_sigma[0].tolist() == [16, 17]) if learn_sigma else q.cont_log_sigma is None
