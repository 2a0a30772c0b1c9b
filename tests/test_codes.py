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
