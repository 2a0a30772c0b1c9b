"""Decisions read the validation split, never the test set: the recipe's verdict, the time
to accuracy it counts, and the choice and ranking of runs. Each test gives the two splits
opposite answers, so a function that read the test split would fail it."""
import pytest

from infogan_lite.book.recipe import recipe_row, verdict
from infogan_lite.book.report import RESULTS_DIR, load_reports
from infogan_lite.book.selection import final_accuracy, kept_accuracy, accuracy_on_test
from infogan_lite.book.time_to_accuracy import time_to_accuracy


def _run(seed, val, test, with_evals=True):
    """A run of 5,000 steps whose splits disagree: `val` and `test` per evaluation, or (an
    older run) evaluations on the test split only and validation at the final step."""
    evals = [{"step": 500 * (i + 1), "train_seconds": 30.0 * (i + 1), "accuracy": t,
              **({"val_accuracy": v} if with_evals else {})} for i, (v, t) in enumerate(zip(val, test))]
    run = {"config": {"seed": seed, "batch_size": 128}, "step": 5000, "train_seconds": 300.0,
           "evals": evals, "c1": {"accuracy": test[-1]}}
    if not with_evals:
        run["validation"] = {"accuracy": val[-1]}
    return run


GOOD_ON_TEST = [0.5] * 4 + [0.96] * 6          # reaches 0.95 at step 2,500 on the test split
BAD = [0.5] * 10


@pytest.mark.parametrize("with_evals", [True, False])
def test_time_to_accuracy_and_final_accuracy_read_validation(with_evals):
    run = _run(1, BAD, GOOD_ON_TEST, with_evals)
    assert time_to_accuracy(run)["steps"] is None
    assert final_accuracy(run) == 0.5 and accuracy_on_test(run) == 0.96
    assert time_to_accuracy(run, key="accuracy")["steps"] == 2500        # asked for by name
    good = _run(2, GOOD_ON_TEST, BAD, with_evals)
    assert time_to_accuracy(good)["steps"] == (2500 if with_evals else 5000)
    assert time_to_accuracy(good)["checked"] == ("every evaluation" if with_evals else "final step only")


@pytest.mark.parametrize("with_evals", [True, False])
def test_the_verdict_follows_validation_when_the_test_set_says_the_opposite(with_evals):
    reference = [recipe_row(_run(s, [0.8] * 10, [0.97] * 10, with_evals)) for s in (1, 2, 3)]
    change = [recipe_row(_run(s, [0.96] * 10, [0.7] * 10, with_evals)) for s in (4, 5, 6)]
    assert verdict(change, reference)["decision"] == "adopted"
    assert verdict(reference, change)["decision"] == "not adopted"


def test_the_run_kept_is_the_best_on_validation():
    runs = [_run(1, BAD, GOOD_ON_TEST), _run(2, GOOD_ON_TEST, BAD)]
    assert kept_accuracy(runs, [1.0, 0.0], 1) == pytest.approx((0.5 + 0.96) / 2)
    assert kept_accuracy(runs, [0.0, 1.0], 2) == pytest.approx(0.96)     # the validation's 0.96
    assert kept_accuracy(runs, [0.0, 1.0], 2, outcome=[0.96, 0.5]) == 0.5   # scored, not chosen


def test_a_run_without_any_validation_cannot_be_decided_on():
    run = _run(1, BAD, GOOD_ON_TEST, with_evals=False)
    del run["validation"]
    with pytest.raises(KeyError, match="no validation accuracy at step 5000"):
        final_accuracy(run)
    with pytest.raises(ValueError, match="'val_accuracy'"):
        time_to_accuracy(run)


def test_the_shipped_recipe_study_is_decided_on_its_validation_split():
    runs = load_reports(RESULTS_DIR / "mnist" / "recipe")
    for name, r in runs.items():
        row = recipe_row(r)
        assert row["final_accuracy"] == r["validation"]["accuracy"] != r["c1"]["accuracy"], name
