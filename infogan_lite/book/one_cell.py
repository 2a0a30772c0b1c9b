"""InfoGAN in one cell (chapter 6): the notebook's self-contained InfoGAN, tied to the library.

Chapter 6 opens with a whole InfoGAN for MNIST in one notebook cell that imports only torch
and torchvision. The notebook is the single source of that cell; this module finds it (by its
cell tag), runs it, and moves its weights into the library's `InfoGAN`, so that

* the chapter measures the cell's model with the library's own evaluation (`evaluate_c1`);
* tests/test_one_cell.py checks that a step of the cell and a step of `train.train_step`
  give the same parameters from the same weights, batch and codes.

The cell's networks carry the library's layer indices (``G.net``, ``D.trunk``, ``D.d_head``,
``D.q_head``), so the weights move by name with a strict `load_state_dict`: a layer added,
dropped or resized in either place is an error here, not a silent mismatch.
"""
from __future__ import annotations

from pathlib import Path

import torch

from ..architectures import MNIST_SPEC
from ..infogan import InfoGAN

TAG = "one-cell-infogan"
NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "06_library.ipynb"


def cell_source(notebook: str | Path = NOTEBOOK, tag: str = TAG) -> str:
    """The source of the one code cell of `notebook` tagged `tag` (an error if not exactly one)."""
    import nbformat

    cells = [c for c in nbformat.read(str(notebook), as_version=4).cells
             if c.cell_type == "code" and tag in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ValueError(f"{notebook} has {len(cells)} code cells tagged {tag!r}; expected one")
    return cells[0].source


def run_cell(source: str | None = None) -> dict:
    """Execute the cell (by default the notebook's) in a fresh namespace and return it:
    its networks (NETS), its optimisers opt_DQ and opt_G, and infogan_step."""
    namespace: dict = {"__name__": "one_cell"}
    exec(compile(source if source is not None else cell_source(), "<one-cell-infogan>", "exec"),
         namespace)
    return namespace


NETS = ("G", "trunk", "D_head", "Q_head")  # the cell's modules, in the order taken below


def parts(G, trunk, D_head, Q_head) -> dict[str, torch.nn.Module]:
    """The cell's modules under the names of the library's modules that hold the same layers."""
    return {"G.net": G, "D.trunk": trunk, "D.d_head": D_head, "D.q_head": Q_head}


def library_model(G, trunk, D_head, Q_head) -> InfoGAN:
    """A library `InfoGAN` (Table 1, the MNIST codes) holding a copy of the cell's weights and
    batch-norm statistics, in the cell's train/eval mode and on its device."""
    model = InfoGAN(MNIST_SPEC)
    for name, module in parts(G, trunk, D_head, Q_head).items():
        model.get_submodule(name).load_state_dict(module.state_dict(), strict=True)
    model.train(G.training)
    return model.to(next(G.parameters()).device)


def max_difference(model: InfoGAN, G, trunk, D_head, Q_head) -> float:
    """The largest absolute difference between a weight or batch-norm statistic of the cell's
    modules and the same one in the library's `model`."""
    worst = 0.0
    for name, module in parts(G, trunk, D_head, Q_head).items():
        theirs = model.get_submodule(name).state_dict()
        for key, value in module.state_dict().items():
            diff = (value.double() - theirs[key].double().to(value.device)).abs().max()
            worst = max(worst, float(diff))
    return worst
