"""The label-free criteria of c1, the labelled subset and the semi-supervised term."""
import dataclasses
import math
from types import SimpleNamespace

import pytest
import torch

from infogan_lite import TrainConfig, train
from infogan_lite.data import labelled_subset, validation_split
from infogan_lite.evaluate import label_free_c1, shifted


class FixedQ(torch.nn.Module):
    """A stand-in model whose Q reads a category from an image with a rule the test sets."""

    def __init__(self, rule, K=4):
        super().__init__()
        self.rule, self.K, self.spec = rule, K, SimpleNamespace(categorical=(K,))

    def infer(self, x):
        return [self.rule(x)], torch.zeros(len(x), 0)


def _images(n=400, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.zeros(n, 1, 28, 28)
    x[:, :, 8:20, 8:20] = torch.rand(n, 1, 12, 12, generator=g)
    return x


def test_a_confident_balanced_shift_invariant_Q_scores_one_on_every_criterion():
    # the category is a function of the total ink, which a shift of the centred square keeps
    x = _images()
    ink = x.sum((1, 2, 3))
    edges = ink.quantile(torch.tensor([0.25, 0.5, 0.75]))
    rule = lambda x: 50.0 * torch.nn.functional.one_hot(
        torch.bucketize(x.sum((1, 2, 3)), edges), 4).float()
    m = label_free_c1(FixedQ(rule), x)
    assert m["confidence"] == pytest.approx(1.0, abs=1e-6)
    assert m["balance"] == pytest.approx(1.0, abs=1e-3)
    assert m["info"] == pytest.approx(1.0, abs=1e-3)
    assert m["stability"] == 1.0


def test_a_Q_that_reads_the_position_is_unstable_under_shifts():
    # the category is where the ink's centre lies horizontally: every shift changes it
    x = _images()
    cols = torch.arange(28.0)
    rule = lambda x: 50.0 * torch.nn.functional.one_hot(
        ((x.sum((1, 2)) * cols).sum(1) / x.sum((1, 2, 3))).round().long() % 4, 4).float()
    m = label_free_c1(FixedQ(rule), x)
    assert m["confidence"] == pytest.approx(1.0, abs=1e-6)
    assert m["stability"] < 0.35     # only shifts with dx = 0 or |dx| = 4 keep it: 4 of 24


def test_a_uniform_Q_has_no_information_and_chance_confidence():
    m = label_free_c1(FixedQ(lambda x: torch.zeros(len(x), 4)), _images())
    assert m["confidence"] == pytest.approx(0.25)
    assert m["balance"] == pytest.approx(1.0)       # the marginal is uniform too
    assert m["info"] == pytest.approx(0.0, abs=1e-9)


def test_one_category_for_every_image_has_zero_balance_and_zero_information():
    rule = lambda x: torch.tensor([[9.0, 0, 0, 0]]).repeat(len(x), 1)
    m = label_free_c1(FixedQ(rule), _images())
    p = math.exp(9) / (math.exp(9) + 3)
    assert m["confidence"] == pytest.approx(p)
    assert m["info"] == pytest.approx(0.0, abs=1e-9)
    assert m["balance"] < 0.01


def test_shifted_moves_every_image_by_a_nonzero_offset_within_the_bound():
    x = torch.zeros(50, 1, 28, 28)
    x[:, 0, 14, 14] = 1
    y = shifted(x, max_shift=2, seed=1)
    pos = y[:, 0].flatten(1).argmax(1)
    dy, dx = pos // 28 - 14, pos % 28 - 14
    assert ((dy != 0) | (dx != 0)).all()
    assert dy.abs().max() <= 2 and dx.abs().max() <= 2
    assert len(set(zip(dy.tolist(), dx.tolist()))) > 10     # many offsets, not one


def test_labelled_subset_takes_exactly_n_of_every_label_reproducibly():
    labels = torch.arange(10).repeat(30)
    idx = labelled_subset(labels, 3, seed=0)
    assert torch.bincount(labels[idx], minlength=10).tolist() == [3] * 10
    assert torch.equal(idx, labelled_subset(labels, 3, seed=0))
    assert not torch.equal(idx, labelled_subset(labels, 3, seed=1))
    with pytest.raises(ValueError, match="label 0 has only 25 images"):   # 30 less the validation's 5
        labelled_subset(labels, 26, seed=0)


def test_labelled_images_never_come_from_the_validation_split():
    labels = torch.arange(60_000) % 10
    for seed in range(3):
        assert labelled_subset(labels, 100, seed).max() < 50_000


def test_the_validation_split_is_the_last_sixth_of_the_training_set():
    x, y = torch.arange(60_000.0), torch.arange(60_000) % 10
    vx, vy = validation_split(x, y)
    assert vx[0] == 50_000 and len(vx) == 10_000 and torch.equal(vy, y[50_000:])


def test_training_logs_the_label_free_criteria_and_plain_accuracy(tiny_config):
    _, record = train(dataclasses.replace(tiny_config, eval_every=3), progress=False)
    e = record["evals"][-1]
    for key in ("label_free_confidence", "label_free_balance", "label_free_info",
                "label_free_stability", "plain_accuracy"):
        assert key in e
    assert 0.1 <= e["label_free_confidence"] <= 1


def test_the_supervised_term_ties_c1_to_the_labels(tmp_path):
    """With 20 labelled toy images per class, category k becomes label k (plain accuracy)."""
    cfg = TrainConfig(dataset="toy", arch_name="tiny", steps=60, batch_size=32, eval_every=60, log_every=20,
                      checkpoint_every=60, device="cpu", out_dir=str(tmp_path / "sup"), seed=0,
                      amp="off", threads=1, labels_per_class=20)
    _, record = train(cfg, progress=False)
    assert record["history"][-1]["L_sup"] < record["history"][0]["L_sup"]
    assert record["evals"][-1]["plain_accuracy"] > 0.5      # chance: 0.1
    unsup = train(dataclasses.replace(cfg, labels_per_class=0, out_dir=str(tmp_path / "u")),
                  progress=False)[1]
    assert unsup["history"][-1]["L_sup"] == 0
    assert unsup["evals"][-1]["plain_accuracy"] < 0.3       # no reason for category k = label k


def test_snapshots_keep_the_weights_at_the_steps_asked(tiny_config):
    model, _ = train(dataclasses.replace(tiny_config, snapshot_every=3), progress=False)
    from pathlib import Path
    snaps = sorted(p.name for p in (Path(tiny_config.out_dir) / "snapshots").iterdir())
    assert snaps == ["step000003.pt", "step000006.pt"]
    last = torch.load(Path(tiny_config.out_dir) / "snapshots" / snaps[-1])
    assert all(torch.equal(last[k], v) for k, v in model.state_dict().items())


@pytest.mark.parametrize("changes, message", [
    ({"continuous": 2, "categorical": (), "eval_every": 5}, "eval_every > 0 evaluates"),
    ({"categorical": (), "eval_every": 0, "labels_per_class": 5}, "labels_per_class > 0 ties"),
    ({"lambda_sup": -1.0}, "lambda_sup must be a finite number >= 0"),
    ({"snapshot_every": -2}, "snapshot_every must be a whole number >= 0"),
])
def test_configs_that_cannot_work_are_refused_by_name(tiny_config, changes, message):
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(tiny_config, **changes).validate()
