"""Specifications for the clustering baselines of c1 (infogan_lite.book.baselines)."""
import numpy as np
import pytest
import torch

from infogan_lite import InfoGAN, LatentSpec
from infogan_lite.book.baselines import kmeans_scores, pca, pixels, representations, trunk


def blobs(n_per: int, k: int, seed: int, spread: float):
    """k Gaussian blobs in 20 dimensions, with labels given in a shuffled order, so that a
    cluster id equals its label only by chance."""
    g = np.random.default_rng(seed)
    centres = g.normal(0, 10, (k, 20))
    names = g.permutation(k)                          # blob j carries label names[j]
    x = np.concatenate([centres[j] + spread * g.normal(size=(n_per, 20)) for j in range(k)])
    return x.astype(np.float32), np.repeat(names, n_per)


def test_kmeans_on_separated_blobs_reaches_matched_accuracy_1_whatever_the_label_order():
    x, labels = blobs(60, 10, seed=0, spread=0.1)
    r = kmeans_scores(x, labels, seeds=(0, 1, 2))
    # one k-means++ start can merge two blobs; most starts find them all
    assert max(r["accuracy"]) == 1.0 and np.median(r["accuracy"]) == 1.0


def test_kmeans_on_pure_noise_is_near_chance_and_each_seed_is_its_own_start():
    g = np.random.default_rng(1)
    x, labels = g.normal(size=(2000, 5)).astype(np.float32), g.integers(0, 10, 2000)
    r = kmeans_scores(x, labels, seeds=(0, 1, 2))
    assert all(0.1 <= a < 0.16 for a in r["accuracy"])   # the matching's small gain over 1/K
    assert len(set(r["accuracy"])) == 3                   # no structure: every start differs
    assert r["accuracy_spread"]["mean"] == pytest.approx(np.mean(r["accuracy"]))
    assert r["accuracy_spread"]["sd"] == pytest.approx(np.std(r["accuracy"], ddof=1))


def test_kmeans_scores_names_a_length_mismatch():
    with pytest.raises(ValueError, match="one row of features per labelled image"):
        kmeans_scores(np.zeros((5, 2), np.float32), np.zeros(4))


def test_pixels_and_pca_shapes_and_pca_keeps_the_leading_variance():
    g = torch.Generator().manual_seed(0)
    x = torch.rand(200, 1, 28, 28, generator=g)
    assert pixels(x).shape == (200, 784)
    p = pca(x, dim=50)
    assert p.shape == (200, 50)
    var = p.var(0)
    assert np.all(np.diff(var) <= 1e-5)                   # components by decreasing variance
    assert var[0] > var[-1]
    with pytest.raises(ValueError, match="at least 50 images"):
        pca(x[:30], dim=50)


def test_trunk_features_are_read_in_eval_mode_and_leave_the_mode_unchanged(tiny_arch):
    torch.manual_seed(0)
    model = InfoGAN(LatentSpec(4, (10,), 1), tiny_arch).train()
    for m in model.modules():                             # running statistics far from a batch's
        if isinstance(m, torch.nn.BatchNorm1d):
            m.running_mean.fill_(3.0)
    x = torch.rand(16, 1, 28, 28, generator=torch.Generator().manual_seed(1))
    f = trunk(model, x)
    assert model.training                                 # restored
    assert f.shape == (16, tiny_arch.d_fc[-1])
    # eval mode: each image's features do not depend on the others in its batch
    np.testing.assert_allclose(trunk(model, x[:3]), f[:3], rtol=1e-5, atol=1e-6)


def test_representations_include_the_trunk_only_given_a_model(tiny_arch):
    x = torch.rand(60, 1, 28, 28, generator=torch.Generator().manual_seed(2))
    assert set(representations(x)) == {"pixels", "pca50"}
    model = InfoGAN(LatentSpec(4, (10,), 1), tiny_arch)
    assert set(representations(x, model)) == {"pixels", "pca50", "d_trunk"}
