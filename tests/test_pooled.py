"""The pooled table of every run of the recipe: which reports count, and the headline."""
import pytest

from infogan_lite.book.pooled import (exact_interval, headline, is_recipe, pooled_rows,
                                      recipe_differences, recipe_runs)
from infogan_lite.book.report import RESULTS_DIR
from infogan_lite.config import TrainConfig


def _report(steps=5000, **changes):
    config = {**TrainConfig().to_dict(), "seed": 7, "out_dir": "runs/x", "threads": 1, **changes}
    return {"config": config, "step": steps}


def test_seed_length_folder_and_threads_do_not_make_another_recipe():
    assert is_recipe(_report(6000, seed=3, out_dir="elsewhere", threads=2, eval_every=250))
    assert is_recipe(_report(amp="bf16")) and is_recipe(_report(amp="auto"))


@pytest.mark.parametrize("change", [{"lr_d": 4e-4}, {"lr_q": 1e-3}, {"batch_size": 64},
                                    {"labels_per_class": 10}, {"baseline": True},
                                    {"continuous": 0}, {"amp": "off"}, {"fresh_g_latents": True}])
def test_one_changed_flag_leaves_the_recipe(change):
    assert not is_recipe(_report(**change))
    assert set(recipe_differences(_report(**change)["config"])) == set(change)


def test_a_short_run_and_an_older_config_without_new_fields():
    assert not is_recipe(_report(3000))
    older = _report()
    del older["config"]["fresh_g_latents"], older["config"]["lr_q"]
    assert is_recipe(older)                              # a missing field holds the default


def test_the_exact_interval_matches_known_values():
    low, high = exact_interval(4, 24)                    # Clopper-Pearson
    assert low == pytest.approx(0.0474, abs=1e-4) and high == pytest.approx(0.3738, abs=1e-4)
    assert exact_interval(0, 10)[0] == 0.0 and exact_interval(10, 10)[1] == 1.0
    with pytest.raises(ValueError, match="k <= n"):
        exact_interval(5, 4)


def test_the_headline_counts_runs_on_the_split_asked_and_skips_missing_validation():
    rows = [{"test": t, "validation": v} for t, v in ((0.96, None), (0.94, 0.96), (0.8, 0.81))]
    h = headline(rows)
    assert (h["k"], h["n"]) == (1, 3) and h["mean"] == pytest.approx(0.9)
    h = headline(rows, split="validation")
    assert (h["k"], h["n"]) == (1, 2) and h["mean"] == pytest.approx(0.885)


def test_the_shipped_recipe_runs_are_found_from_their_configs():
    runs = recipe_runs(RESULTS_DIR / "mnist")
    groups = {name.split("/")[0] for name in runs}
    assert groups == {"main", "criterion", "criterion-confirm", "recipe"}
    assert not any("lr-d" in name or "batch-64" in name for name in runs)
    assert sum(name.startswith("recipe/reference") for name in runs) == 3
    rows = pooled_rows(runs)
    assert all((r["validation"] is None) == r["run"].startswith("main/") for r in rows)
    assert all(r["merged"] == [] for r in rows if r["test"] >= 0.95)
