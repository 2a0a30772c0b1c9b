"""Specifications for the beta-VAE reference of chapter 9 (infogan_lite.book.beta_vae)."""
import math

import numpy as np
import pytest
import torch
from torch.distributions import Normal, kl_divergence

from infogan_lite.book.beta_vae import (
    BetaVAE, beta_vae_loss, encode_means, gaussian_kl, score, train_beta_vae)
from infogan_lite.shapes_data import make_shapes


def test_gaussian_kl_matches_torch_distributions_and_is_0_at_the_prior():
    g = torch.Generator().manual_seed(0)
    mu, logvar = torch.randn(6, 5, generator=g), torch.randn(6, 5, generator=g)
    expected = kl_divergence(Normal(mu, (0.5 * logvar).exp()), Normal(0.0, 1.0)).sum(1)
    torch.testing.assert_close(gaussian_kl(mu, logvar), expected)
    assert torch.equal(gaussian_kl(torch.zeros(2, 5), torch.zeros(2, 5)), torch.zeros(2))


def test_loss_is_reconstruction_plus_beta_times_kl():
    g = torch.Generator().manual_seed(1)
    x = torch.rand(4, 1, 28, 28, generator=g)
    logits = torch.randn(4, 1, 28, 28, generator=g)
    mu, logvar = torch.randn(4, 5, generator=g), torch.randn(4, 5, generator=g)
    l1, parts = beta_vae_loss(x, logits, mu, logvar, beta=1.0)
    l4, _ = beta_vae_loss(x, logits, mu, logvar, beta=4.0)
    recon = -(x * torch.log(torch.sigmoid(logits)) + (1 - x) * torch.log(1 - torch.sigmoid(logits)))
    assert parts["recon"] == pytest.approx(float(recon.sum((1, 2, 3)).mean()), rel=1e-5)
    assert float(l4 - l1) == pytest.approx(3 * parts["kl"], rel=1e-5)


def test_training_lowers_the_loss_and_beta_trades_reconstruction_for_kl():
    x, _ = make_shapes(256, seed=3)
    runs = {beta: train_beta_vae(x, beta, seed=0, steps=60, batch=32)[1] for beta in (1.0, 8.0)}
    first, last = runs[1.0][0], runs[1.0][-1]
    assert last[1] < first[1]                               # reconstruction improves
    assert runs[8.0][-1][2] < runs[1.0][-1][2]              # a heavier KL weight: a smaller KL
    with pytest.raises(ValueError, match="beta weights the KL term"):
        train_beta_vae(x, -1.0, seed=0, steps=1)


def test_codes_are_the_posterior_means_and_score_reads_them():
    torch.manual_seed(0)
    model = BetaVAE().eval()
    x, f = make_shapes(300, seed=4)
    codes = encode_means(model, x, batch=128)
    assert codes.shape == (300, 5)
    with torch.no_grad():                                  # mu: the first n_latent outputs
        np.testing.assert_allclose(codes, model.encoder(x)[:, :5].numpy(), rtol=1e-5, atol=1e-6)
    s = score(model, x, f.numpy())
    assert set(s) == {"mig", "sap"} and len(s["mig"]["per_factor"]) == 5
    assert 0 <= s["mig"]["mig"] <= 1 and 0 <= s["sap"]["sap"] <= 1


def test_the_decoder_reads_the_sampled_latent_not_the_mean():
    torch.manual_seed(0)
    model = BetaVAE()
    x = torch.rand(3, 1, 28, 28)
    with torch.no_grad():
        for layer in model.encoder[-1:]:                       # log sigma^2 = log 100: a wide posterior
            layer.bias[5:] = math.log(100.0)
        a = model(x, torch.Generator().manual_seed(1))[0]
        b = model(x, torch.Generator().manual_seed(2))[0]
    assert not torch.allclose(a, b)
