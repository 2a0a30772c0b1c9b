"""Specifications for chapter 5: usable information (infogan_lite.book.usable) and the readers
of c1 trained on a generator's samples (infogan_lite.book.readers)."""
import json
import math

import numpy as np
import pytest
import torch

from infogan_lite import InfoGAN, LatentSpec
from infogan_lite.architectures import architecture
from infogan_lite.checkpoint import model_from_checkpoint
from infogan_lite.book.information import entropy, mutual_information
from infogan_lite.book.readers import (
    CNNReader, draw, fit, linear_reader, q_head_reader, read_model, trend,
    read_stream, sample_sets, score)
from infogan_lite.book.usable import (
    binary_entropy, error_upper_limit, fano_held_out, fano_lower_bound, symmetric_channel_joint, gan_value_discrete, jensen_shannon_discrete, linear_features, parabola_generator,
    polynomial_features, quadratic_features, source_bit_bound, source_bit_joint,
    table_population, unbend, v_information)

K = 4


@pytest.fixture(scope="module")
def tiny_model():
    torch.manual_seed(0)
    return InfoGAN(LatentSpec(6, (K,), 1), architecture("tiny")).eval()


def images_of(c: torch.Tensor, informative: bool, seed: int) -> torch.Tensor:
    """Images [n, 1, 28, 28] of noise; if informative, pixel (0, c) is lit: x encodes c exactly."""
    g = torch.Generator().manual_seed(seed)
    x = torch.rand(len(c), 1, 28, 28, generator=g) * 0.3
    if informative:
        x[torch.arange(len(c)), 0, 0, c] = 1.0
    return x


def codes(n: int, seed: int) -> torch.Tensor:
    return torch.randint(K, (n,), generator=torch.Generator().manual_seed(seed))


# Exact usable information on small models

def test_v_information_never_exceeds_I_and_grows_with_the_family():
    rng = np.random.default_rng(5)
    for _ in range(3):
        P_cx = rng.dirichlet(np.full(3 * 7, 0.5)).reshape(3, 7)
        c, x, w = table_population(P_cx)
        H_c = -np.sum(P_cx.sum(1) * np.log(P_cx.sum(1)))
        I = mutual_information(P_cx)
        # the prior may be non-uniform: subtract the constant reader's score to get I_V
        prior_only = v_information(polynomial_features(7, 0)[x], c, w, 3, H_c)
        v = [v_information(phi[x], c, w, 3, H_c) - prior_only
             for phi in (polynomial_features(7, 1), polynomial_features(7, 2), np.eye(7))]
        assert 0 <= v[0] <= v[1] + 1e-7 <= v[2] + 2e-7 <= I + 3e-7
        assert v[2] == pytest.approx(I, abs=1e-5)     # one-hot features: every reader


def test_parabola_code_is_all_information_yet_a_linear_reader_reads_little():
    x, c, w = parabola_generator(eps=0.05, n_z=801)
    H_c = math.log(2)
    v_lin = v_information(linear_features(x), c, w, 2, H_c)
    v_quad = v_information(quadratic_features(x), c, w, 2, H_c)
    v_unbent = v_information(linear_features(unbend(x)), c, w, 2, H_c)
    assert v_lin < 0.1 * H_c
    assert v_quad > 0.9 * H_c and v_unbent > 0.9 * H_c


def test_jsd_equals_the_information_of_the_source_bit():
    rng = np.random.default_rng(3)
    for _ in range(5):
        p, q = rng.dirichlet(np.ones(6)), rng.dirichlet(np.ones(6))
        assert mutual_information(source_bit_joint(p, q)) == pytest.approx(
            jensen_shannon_discrete(p, q), abs=1e-12)
        D_star = p / (p + q)
        assert source_bit_bound(D_star, p, q) == pytest.approx(jensen_shannon_discrete(p, q), abs=1e-12)
        assert gan_value_discrete(D_star, p, q) == pytest.approx(
            2 * jensen_shannon_discrete(p, q) - math.log(4), abs=1e-12)
        D = rng.uniform(0.05, 0.95, 6)
        assert source_bit_bound(D, p, q) < jensen_shannon_discrete(p, q)


# Readers trained on samples

def test_a_reader_of_a_code_the_images_encode_reaches_H_c(tiny_model):
    c_tr, c_va, c_te = codes(512, 0), codes(256, 1), codes(512, 2)
    train, val = (images_of(c_tr, True, 10), c_tr), (images_of(c_va, True, 11), c_va)
    reader = linear_reader(tiny_model)
    fit(reader, train, val, K, steps=200, lr=0.05, eval_every=50)
    s = score(reader, images_of(c_te, True, 12), c_te, K)
    assert s["L_I"] == pytest.approx(s["frac"] * math.log(K))
    assert s["frac"] > 0.9 and s["accuracy"] == 1.0


def test_a_reader_of_a_code_the_images_ignore_reads_nothing_held_out(tiny_model):
    c_tr, c_va, c_te = codes(256, 0), codes(256, 1), codes(1024, 2)
    train = (images_of(c_tr, False, 10), c_tr)
    reader = linear_reader(tiny_model)
    fit(reader, train, (images_of(c_va, False, 11), c_va), K, steps=200, lr=1e-2, eval_every=20)
    assert score(reader, *train, K)["L_I"] > 0.05     # it can memorise its training set ...
    held_out = score(reader, images_of(c_te, False, 12), c_te, K)
    assert -0.1 < held_out["L_I"] < 0.02               # ... but reads nothing on fresh images


def test_train_val_and_test_samples_are_independent(tiny_model):
    (x_tr, _), (x_va, _), (x_te, _) = sample_sets(tiny_model, 64, 64, 64, seed=0)
    flat = lambda x: {tuple(r) for r in x.flatten(1).round(decimals=5).tolist()}  # noqa: E731
    assert not (flat(x_tr) & flat(x_te)) and not (flat(x_tr) & flat(x_va))
    x_again, _ = draw(tiny_model, 64, 0)
    assert torch.equal(x_again, x_tr)                  # ... and reproducible


def test_readers_have_the_layers_they_claim(tiny_model):
    a = tiny_model.arch
    assert sum(p.numel() for p in linear_reader(tiny_model).parameters()) == 28 * 28 * K + K
    head = q_head_reader(tiny_model)
    assert head(torch.zeros(2, a.d_fc[-1])).shape == (2, K)
    assert [type(m) for m in head] == [type(m) for m in tiny_model.D.q_head]
    cnn = CNNReader(tiny_model)
    assert [type(m) for m in cnn.trunk] == [type(m) for m in tiny_model.D.trunk]
    assert cnn(torch.zeros(2, 1, 28, 28)).shape == (2, K)


def test_read_model_scores_every_reader(tiny_model):
    steps = {"linear": 20, "q_head": 20, "cnn": 10}
    out = read_model(tiny_model, 256, 128, 256, steps, seed=1)
    for name in ("linear", "q_head", "cnn", "own_q"):
        assert out[name]["frac"] <= 1 and out[name]["L_I"] == pytest.approx(
            out[name]["frac"] * math.log(K))
    assert [s for s, _ in out["cnn"]["curve"]][-1] == 10


def test_a_reader_trained_on_fresh_samples_draws_a_new_batch_every_step(tiny_model):
    seen = []

    def fresh(g, n):                      # a stream that records what it hands out
        c = torch.randint(K, (n,), generator=g)
        seen.append(c)
        return images_of(c, True, len(seen)), c
    c_va = codes(128, 1)
    fit(linear_reader(tiny_model), fresh, (images_of(c_va, True, 99), c_va), K, steps=5,
        batch=16, eval_every=5)
    assert len(seen) == 5 and not all(torch.equal(seen[0], s) for s in seen[1:])
    out = read_stream(tiny_model, 64, 64, steps=4, seed=0)
    assert out["frac"] <= 1 and out["best_step"] in [s for s, _ in out["curve"]]


def test_trend_says_still_rising_when_the_last_check_is_the_best():
    assert trend([(1, 0.1), (2, 0.5), (3, 0.51), (4, 0.515)]) == "still rising"   # slowly, < tol
    assert trend([(1, 0.1), (2, 0.2), (3, 0.3), (4, 0.4)]) == "still rising"
    assert trend([(1, 0.1), (2, 0.5), (3, 0.51), (4, 0.3)]) == "flat"       # overfitting at the end
    assert trend([(1, 0.1), (2, 0.2), (3, 0.2), (4, 0.2), (5, 0.2), (6, 0.2), (7, 0.5),
                  (8, 0.4)]) == "peaked late"


def test_a_snapshot_loads_with_its_runs_config(tmp_path, tiny_config):
    from infogan_lite.checkpoint import save_weights
    cfg = tiny_config
    run = tmp_path / "run"
    (run / "snapshots").mkdir(parents=True)
    (run / "config.json").write_text(json.dumps(cfg.to_dict()))
    torch.manual_seed(1)
    model = InfoGAN(cfg.spec, architecture(cfg.arch_name)).eval()
    save_weights(model, run / "snapshots" / "step000002.pt")
    loaded = model_from_checkpoint(run / "snapshots" / "step000002.pt")[0]
    z, c_cat, c_cont = cfg.spec.sample(4, torch.Generator().manual_seed(0))
    assert torch.equal(loaded.generate(c_cat, c_cont, z), model.generate(c_cat, c_cont, z))


# --- Fano's inequality (eq-fano)
def test_binary_entropy_is_log_2_at_one_half_and_0_at_the_ends():
    assert binary_entropy(0.5) == pytest.approx(math.log(2))
    assert binary_entropy(0.0) == binary_entropy(1.0) == 0.0
    assert binary_entropy(0.1) == pytest.approx(-0.1 * math.log(0.1) - 0.9 * math.log(0.9))
    with pytest.raises(ValueError, match=r"probability in \[0, 1\]"):
        binary_entropy(1.2)


@pytest.mark.parametrize("K, p_err", [(2, 0.1), (10, 0.0), (10, 0.3), (10, 0.9)])
def test_fano_bound_equals_I_on_the_symmetric_channel(K, p_err):
    """On the K-ary symmetric channel the reader x -> x errs with p_err and Fano is tight."""
    P = symmetric_channel_joint(K, p_err)
    assert P.sum() == pytest.approx(1.0)
    assert fano_lower_bound(p_err, K) == pytest.approx(mutual_information(P), abs=1e-12)


def test_fano_bound_is_below_I_for_the_best_guess_of_random_joint_tables():
    rng = np.random.default_rng(5)
    gaps = []
    for _ in range(200):
        K, n_x = int(rng.integers(2, 6)), int(rng.integers(2, 8))
        P = rng.dirichlet(np.full(K * n_x, 0.5)).reshape(K, n_x)
        p_err = 1 - P.max(axis=0).sum()                       # the MAP guess of c from x
        H_c = entropy(P.sum(axis=1))
        gaps.append(mutual_information(P) - fano_lower_bound(p_err, K, H_c))
    assert min(gaps) >= -1e-12 and max(gaps) > 0.05         # a bound, often not tight


def test_fano_bound_is_H_c_for_a_perfect_reader_and_vacuous_for_a_blind_one():
    assert fano_lower_bound(0.0, 10) == pytest.approx(math.log(10))
    assert fano_lower_bound(0.9, 10) == pytest.approx(0.0, abs=1e-12)   # error 1 - 1/K
    with pytest.raises(ValueError, match="K >= 2"):
        fano_lower_bound(0.0, 1)


def test_error_upper_limit_is_the_rule_of_three_at_zero_errors_and_covers_the_truth():
    assert error_upper_limit(0, 4000) == pytest.approx(1 - 0.05 ** (1 / 4000))   # about 3 / n
    assert error_upper_limit(4000, 4000) == 1.0
    rng = np.random.default_rng(0)
    p, n = 0.2, 500
    covered = np.mean([error_upper_limit(int(k), n) >= p for k in rng.binomial(n, p, 2000)])
    assert 0.94 <= covered <= 0.98                      # a 95 % limit, exact: slightly conservative
    with pytest.raises(ValueError, match="n_errors <= n"):
        error_upper_limit(5, 4)


def test_fano_held_out_is_below_the_point_bound_and_claims_nothing_for_a_blind_reader():
    assert 0 < fano_held_out(30, 4000, 10) < fano_lower_bound(30 / 4000, 10)
    assert fano_held_out(3610, 4000, 10) == 0.0          # 90.25 % errors: as blind as a guess
    assert fano_held_out(3580, 4000, 10) == 0.0          # 89.5 %: within chance at 95 %
    assert fano_held_out(3500, 4000, 10) > 0.0           # 87.5 %: significantly better
    assert fano_held_out(0, 4000, 10) == pytest.approx(fano_lower_bound(1 - 0.05 ** (1 / 4000), 10))
