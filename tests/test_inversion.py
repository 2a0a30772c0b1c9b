"""Specifications for the latent-inversion reader of c1 (infogan_lite.book.inversion)."""
import torch

from infogan_lite import InfoGAN, LatentSpec
from infogan_lite.book.inversion import generator_fn, read_by_inversion, residuals

K, N_NOISE, N_CONT, D = 4, 3, 1, 40


def linear_generator(seed=0):
    """x = A z + C c + B[k]: for each k the images form a flat sheet, and the sheets of
    different codes are far apart, so the least-squares search has one answer per k."""
    g = torch.Generator().manual_seed(seed)
    A, C = torch.randn(D, N_NOISE, generator=g), torch.randn(D, N_CONT, generator=g)
    B = 3 * torch.randn(K, D, generator=g)
    return lambda z, cat, c: z @ A.T + c @ C.T + B[cat[:, 0]]


def test_inversion_reads_every_code_of_a_generator_whose_answer_is_known():
    gen = linear_generator()
    g = torch.Generator().manual_seed(1)
    n = 12
    z, c = torch.rand(n, N_NOISE, generator=g) * 1.6 - 0.8, torch.rand(n, N_CONT, generator=g) * 1.6 - 0.8
    k = torch.randint(K, (n, 1), generator=g)
    x = gen(z, k, c)
    r = residuals(gen, x, K, N_NOISE, N_CONT, restarts=2, steps=400, lr=0.05)
    assert r.shape == (n, K)
    assert r[torch.arange(n), k[:, 0]].max() < 1e-3              # the true code reproduces x
    assert torch.equal(read_by_inversion(gen, x, K, N_NOISE, N_CONT, restarts=2, steps=400), k[:, 0])


def test_generator_fn_is_the_models_generate_and_the_search_leaves_G_untouched(tiny_arch):
    torch.manual_seed(0)
    model = InfoGAN(LatentSpec(N_NOISE, (K,), N_CONT), tiny_arch).eval()
    z, cat, cont = model.spec.sample(5, torch.Generator().manual_seed(2))
    with torch.no_grad():
        x = generator_fn(model)(z, cat, cont)
    torch.testing.assert_close(x, model.generate(cat, cont, z))
    r = residuals(generator_fn(model), x, K, N_NOISE, N_CONT, restarts=1, steps=0)
    assert r.shape == (5, K) and all(p.grad is None for p in model.parameters())
