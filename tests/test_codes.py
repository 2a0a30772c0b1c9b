import math

import pytest
import torch

from infogan_lite import LatentSpec


def test_mnist_spec_has_the_papers_74_inputs(spec):
    assert spec.dim == 74
    assert spec.H_c == pytest.approx(math.log(10))


def test_samples_follow_the_prior(spec):
    z, c_cat, c_cont = spec.sample(20000, generator=torch.Generator().manual_seed(0))
    assert z.shape == (20000, 62) and c_cat.shape == (20000, 1) and c_cont.shape == (20000, 2)
    assert c_cat.dtype == torch.long and 0 <= c_cat.min() and c_cat.max() == 9
    counts = torch.bincount(c_cat[:, 0], minlength=10).float() / 20000
    assert torch.allclose(counts, torch.full((10,), 0.1), atol=0.01)  # Cat(10, p = 0.1)
    for u in (z, c_cont):
        assert -1 <= u.min() and u.max() <= 1                          # U(-1, 1)
        assert abs(u.mean()) < 0.02 and abs(u.var() - 1 / 3) < 0.02


def test_assembled_input_is_noise_then_one_hot_then_continuous(spec):
    z, c_cat, c_cont = spec.sample(5, generator=torch.Generator().manual_seed(1))
    latent = spec.assemble(z, c_cat, c_cont)
    assert latent.shape == (5, 74)
    assert torch.equal(latent[:, :62], z)
    assert torch.equal(latent[:, 62:72].argmax(1), c_cat[:, 0])
    assert torch.equal(latent[:, 62:72].sum(1), torch.ones(5))
    assert torch.equal(latent[:, 72:], c_cont)


def test_several_categorical_codes_add_their_entropies():
    spec = LatentSpec(n_noise=124, categorical=(10, 10, 10, 10), continuous=4)
    assert spec.dim == 168                      # the paper's SVHN input (Appendix C.2)
    assert spec.H_c == pytest.approx(4 * math.log(10))


@pytest.mark.parametrize("kwargs, message", [
    (dict(n_noise=-1), "n_noise"),
    (dict(continuous=-2), "continuous"),
    (dict(categorical=(1,)), "at least 2 categories"),
    (dict(n_noise=0, categorical=(), continuous=0), "empty"),
])
def test_bad_specs_are_rejected_with_the_field_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        LatentSpec(**kwargs)


def test_codes_of_unequal_sizes_each_follow_their_own_prior_independently_of_z():
    """c1 ~ Cat(4), c2 ~ Cat(10), c3 ~ Cat(3), two U(-1, 1) codes: each code's range and
    frequencies are its own, pairs of codes are independent, and no code copies the noise."""
    spec, n = LatentSpec(n_noise=5, categorical=(4, 10, 3), continuous=2), 30000
    z, c_cat, c_cont = spec.sample(n, generator=torch.Generator().manual_seed(0))
    for i, k in enumerate(spec.categorical):
        counts = torch.bincount(c_cat[:, i], minlength=k)
        assert len(counts) == k and counts.min() > 0, f"code {i} does not take values 0..{k - 1}"
        assert torch.allclose(counts / n, torch.full((k,), 1 / k), atol=0.012), f"code {i}"
    pair = torch.bincount(c_cat[:, 0] * 10 + c_cat[:, 1], minlength=40) / n
    assert torch.allclose(pair, torch.full((40,), 1 / 40), atol=0.006)   # P(c1, c2) = P(c1) P(c2)
    assert -1 <= c_cont.min() and c_cont.max() <= 1 and abs(c_cont.var() - 1 / 3) < 0.01
    columns = torch.cat([z, c_cat.float(), c_cont], 1)
    corr = torch.corrcoef(columns.T) - torch.eye(columns.shape[1])
    assert corr.abs().max() < 0.04, "codes and noise are correlated"


def test_the_entropy_of_the_continuous_codes_is_log_2_each():
    assert LatentSpec(continuous=3).H_cont == pytest.approx(3 * math.log(2))
    assert LatentSpec(continuous=0).H_cont == 0.0
