"""Chapter 6's InfoGAN in one cell computes what the library computes.

The notebook is the single source of the cell (found by its tag); the test runs it, copies its
initial weights into the library's InfoGAN, and takes two steps of each on the same batch
with the same codes: the weights, batch-norm statistics and losses must agree. Two steps,
because Adam's first update does not depend on its betas. A second test plants bugs in the
cell's source and checks that the comparison sees each one.
"""
import pytest
import torch

from infogan_lite import TrainConfig
from infogan_lite.book.one_cell import NETS, cell_source, library_model, max_difference, run_cell
from infogan_lite.train import make_optimizers, train_step


def two_steps_apart(source: str) -> tuple[float, float]:
    """Run two steps of the cell and of `train_step` from the same weights, batch and codes;
    return the largest difference of a weight or statistic, and of a loss."""
    cell = run_cell(source)
    nets = [cell[name] for name in NETS]
    model = library_model(*nets)
    assert max_difference(model, *nets) == 0
    opt_DQ, opt_G = make_optimizers(model, TrainConfig())
    x = torch.rand(8, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    loss_diff = 0.0
    for step in range(2):
        theirs = train_step(model, opt_DQ, opt_G, x, torch.Generator().manual_seed(step), TrainConfig())
        ours = cell["infogan_step"](x, torch.Generator().manual_seed(step))
        loss_diff = max(loss_diff, (ours - theirs[:4]).abs().max().item())  # L_D, L_G, L_I_cat, L_I_cont
    return max_difference(model, *nets), loss_diff


def test_two_steps_of_the_one_cell_infogan_equal_two_train_steps_of_the_library():
    source = cell_source()
    assert "import infogan_lite" not in source and "from infogan_lite" not in source
    weights, losses = two_steps_apart(source)
    assert weights < 1e-6 and losses < 1e-5


PLANTED_BUGS = {
    "lambda on the wrong side of D's loss": ("(L_D - lam_L_I).backward()", "(L_D + lam_L_I).backward()"),
    "L_I detached from the trunk": ("return D_head(h).squeeze(1), Q_head(h)",
                                    "return D_head(h).squeeze(1), Q_head(h.detach())"),
    "G trained without L_I": ("(L_G - lambda_L_I(q, c1, c23)[0])", "(L_G)"),
    "Adam's default beta1": ("betas=(0.5, 0.999))  # beta1", "betas=(0.9, 0.999))  # beta1"),
}


@pytest.mark.parametrize("bug", PLANTED_BUGS)
def test_the_comparison_sees_a_planted_bug(bug):
    old, new = PLANTED_BUGS[bug]
    source = cell_source()
    assert source.count(old) == 1, f"the cell no longer contains {old!r}: update PLANTED_BUGS"
    weights, _ = two_steps_apart(source.replace(old, new))
    assert weights > 1e-5, f"a cell with {bug} passed the comparison"
