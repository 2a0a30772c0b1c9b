"""The book's network diagram says what the code does: for each wiring, the losses that reach
each part's parameters, read off autograd, are the tags the picture draws."""
import pytest
import torch

from infogan_lite import InfoGAN, LatentSpec
from infogan_lite.book.diagram import WIRINGS, wiring_diagram
from infogan_lite.book.toy2d import ToyInfoGAN
from infogan_lite.losses import d_loss, g_loss, info_lower_bound
from infogan_lite.models import split_q

SPEC = LatentSpec(n_noise=4, categorical=(3,), continuous=1)


def parts(model):
    return {"G": model.G, "trunk": model.D.trunk, "D head": model.D.d_head,
            "Q head": model.D.q_head}


def reached(model, loss, inputs=None) -> set[str]:
    """The parts whose parameters get a non-zero gradient from `loss` (restricted to the
    parameters in `inputs`, the ones that loss's optimiser step updates)."""
    model.zero_grad(set_to_none=True)
    params = inputs if inputs is not None else list(model.parameters())
    loss.backward(inputs=params)
    return {name for name, m in parts(model).items()
            if any(p.grad is not None and p.grad.abs().sum() > 0 for p in m.parameters())}


def losses_reaching(model, x_real, detach_q: bool) -> dict[str, set[str]]:
    """For each part, the losses whose gradient its own optimiser step receives: D's step
    updates the trunk and both heads, G's step updates G only (as in train.train_step)."""
    spec = model.spec
    z, c_cat, c_cont = spec.sample(x_real.shape[0], generator=torch.Generator().manual_seed(0))
    d_params = list(model.D.parameters())
    g_params = list(model.G.parameters())

    def L_I(x):
        q = split_q(model.D(x, detach_q=detach_q)[1], spec, False)
        return info_lower_bound(q, c_cat, c_cont, spec.H_c)[0]

    x_fake = model.G(spec.assemble(z, c_cat, c_cont))
    got = {
        ("L_D", "D"): reached(model, d_loss(model.D(x_real)[0], model.D(x_fake.detach())[0]), d_params),
        ("lambda L_I", "D"): reached(model, -L_I(x_fake.detach()), d_params),
        ("L_G", "G"): reached(model, g_loss(model.D(x_fake)[0]), g_params),
        ("lambda L_I", "G"): reached(model, -L_I(model.G(spec.assemble(z, c_cat, c_cont))), g_params),
    }
    return {part: {loss for (loss, _), where in got.items() if part in where}
            for part in parts(model)}


@pytest.fixture
def tiny_model(tiny_arch):
    torch.manual_seed(0)
    return InfoGAN(LatentSpec(n_noise=4, categorical=(3,), continuous=1), arch=tiny_arch)


def test_the_library_step_trains_what_the_infogan_panel_draws(tiny_model):
    x_real = torch.rand(8, 1, 28, 28)
    assert losses_reaching(tiny_model, x_real, detach_q=False) == WIRINGS["InfoGAN"]


def test_the_baseline_trains_what_the_gan_plus_q_panel_draws(tiny_model):
    x_real = torch.rand(8, 1, 28, 28)
    assert losses_reaching(tiny_model, x_real, detach_q=True) == WIRINGS["GAN + Q baseline"]


def test_the_ports_bug_trains_what_its_panel_draws():
    torch.manual_seed(0)
    buggy = ToyInfoGAN(SPEC, hidden=16, info_to_trunk=False)
    got = losses_reaching(buggy, torch.randn(8, 2), detach_q=False)
    assert got == WIRINGS["trunk not trained by $L_I$ (a port's bug)"]
    assert got != WIRINGS["InfoGAN"]


def test_the_diagram_draws_a_panel_per_wiring():
    import matplotlib
    matplotlib.use("Agg")
    fig = wiring_diagram()
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles == list(WIRINGS)
