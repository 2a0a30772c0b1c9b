"""The results of training runs, written to files that a chapter reads (chapter 7).

A run folder holds `checkpoint.pt` and `record.json` (see `train`). `report_run` turns one
into `report.json` (c1 as a classifier with its confusion matrix, what c2 and c3 control,
the run's training record) and traversal grids as PNG, so that the book's figures and
tables come from files a reader can regenerate with one command:

    python -m infogan_lite report runs/mnist-seed1 --out infogan_lite/results/mnist/main/seed1

`li_curves` and `spread` summarise several such reports (Figure 1, the seed tables).
A run on the synthetic "shapes" set, whose factors are known, also gets MIG and SAP on
the full grid (`shapes_disentanglement`, chapter 9).
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from ..files import atomic_write

RESULTS_DIR = Path(__file__).resolve().parent.parent / "results"  # shipped with the package


@torch.no_grad()
def traversal_grids(model, n_rows: int = 8, seed: int = 0) -> dict[str, torch.Tensor]:
    """Figure 2's grids: c1 over its categories (columns) and each continuous code over
    [-2, 2] (columns; the training range is [-1, 1]); rows are fixed noise draws."""
    from .entanglement import traversal

    spec = model.spec
    grids = {"c1": traversal(model, "cat", 0, torch.arange(spec.categorical[0]), n_rows, seed)}
    for j in range(spec.continuous):
        name = f"c{len(spec.categorical) + j + 1}"
        grids[name] = traversal(model, "cont", j, torch.linspace(-2, 2, 9), n_rows, seed)
    return grids


def save_grid(grid: torch.Tensor, path: Path) -> None:
    """A traversal grid [R, K, C, H, W] as one PNG (rows = noise draws), written atomically."""
    from torchvision.utils import save_image

    flat = grid.reshape(-1, *grid.shape[2:])
    atomic_write(path, lambda f: save_image(flat, f, nrow=grid.shape[1], padding=2,
                                            pad_value=1.0, format="png"))


def report_run(run_dir, out_dir, data_root=None, n_noise: int = 200,
               refit_steps: int = 300) -> dict:
    """Evaluate a finished (or interrupted) run and write report.json + grids into out_dir.
    A shapes run also gets "disentanglement" (see `shapes_disentanglement`)."""
    from ..data import load_dataset
    from ..evaluate import evaluate_c1
    from ..checkpoint import model_from_checkpoint, renamed
    from .traits import code_effects, traits_for

    for name, value, least in (("n_noise", n_noise, 1), ("refit_steps", refit_steps, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ValueError(f"{name} must be a whole number >= {least}, got {value!r}")
    run_dir, out_dir = Path(run_dir), Path(out_dir)
    model, cfg, state = model_from_checkpoint(run_dir)
    record_path = run_dir / "record.json"
    record = json.loads(record_path.read_text()) if record_path.exists() else {}
    x, y = load_dataset(cfg.dataset, False, data_root)
    report = {"config": cfg.to_dict(), "step": int(state["step"]),
              "train_seconds": record.get("train_seconds"), "adam": adam_kernel(state),
              # written by train since 0.3: what the run computed in, on what, with which torch
              "precision": record.get("precision"), "segments": record.get("segments"),
              "history": [renamed(row) for row in record.get("history", [])],
              "evals": record.get("evals", []),
              "c1": evaluate_c1(model, x, y) if cfg.categorical else None,
              "validation": _validation(model, cfg, data_root) if cfg.categorical else None,
              "codes": code_effects(model, n_noise=n_noise, traits=traits_for(cfg.dataset))
              if cfg.continuous else {}}
    if cfg.dataset == "shapes":
        report["disentanglement"] = shapes_disentanglement(model, refit_steps)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, grid in traversal_grids(model).items():
        save_grid(grid, out_dir / f"{name}.png")
    atomic_write(out_dir / "report.json", lambda f: f.write(json.dumps(report).encode()))
    return report


def shapes_disentanglement(model, refit_steps: int = 300, seed: int = 0) -> dict:
    """MIG, SAP and c1 against the shape on the full 4,608-image shapes grid (chapter 9),
    read by Q as trained and, under "refit_q", by a fresh Q head fitted to the finished G."""
    from .disentangle import evaluate_disentanglement
    from ..shapes_data import make_shapes

    images, factors = make_shapes()
    out = evaluate_disentanglement(model, images, factors)
    if refit_steps:
        refit, L_I = refit_q_head(model, refit_steps, seed)
        out["refit_q"] = {"steps": refit_steps, **L_I,
                          **evaluate_disentanglement(refit, images, factors)}
    return out


def refit_q_head(model, steps: int = 300, seed: int = 0, batch_size: int = 64,
                 lr: float = 1e-3) -> tuple:
    """A copy of `model` whose Q head is re-initialised and trained alone for `steps`
    batches to maximise L_I (eq. 5, lambda = 1) on images of the frozen G, read through
    D's frozen trunk (both in eval mode): the "GAN + Q" reading of a finished generator.
    Training with lambda = 0 multiplies L_I by 0, so Q's head never leaves its random
    initialisation; this is the Q such a run would have had. Returns the model and L_I, its
    two parts averaged over the last tenth of the steps."""
    import copy

    from ..losses import info_lower_bound
    from ..models import init_weights, split_q

    m, spec = copy.deepcopy(model).float().eval(), model.spec
    with torch.random.fork_rng():          # a fresh head from `seed`, the caller's RNG untouched
        torch.manual_seed(seed)
        m.D.q_head.apply(init_weights).train()
    opt = torch.optim.Adam(m.D.q_head.parameters(), lr=lr, betas=(0.5, 0.999))
    gen, H_cont = torch.Generator().manual_seed(seed), spec.H_cont
    tail = []
    for step in range(steps):
        z, c_cat, c_cont = spec.sample(batch_size, generator=gen)
        with torch.no_grad():
            h = m.D.trunk(m.G(spec.assemble(z, c_cat, c_cont)))
        q = split_q(m.D.q_head(h), spec, model.learn_sigma)
        L_cat, L_cont = info_lower_bound(q, c_cat, c_cont, spec.H_c, H_cont)
        opt.zero_grad(set_to_none=True)
        (-(L_cat + L_cont)).backward()
        opt.step()
        if step >= steps - max(1, steps // 10):
            tail.append((L_cat.item(), L_cont.item()))
    L_I, L_I_cont = np.mean(tail, axis=0).tolist()
    return m.eval(), {"L_I": L_I, "L_I_cont": L_I_cont}


def adam_kernel(state: dict) -> str:
    """Which Adam implementation a checkpoint's optimiser used: 'fused', 'foreach' or 'loop'.
    They round differently, so the same seed gives a different run (chapter 7b shows how much)."""
    group = state["opt_G"]["param_groups"][0]
    return "fused" if group.get("fused") else "foreach" if group.get("foreach") else "loop"


def _validation(model, cfg, data_root) -> dict:
    """c1's matched accuracy and NMI on the validation split of the training set."""
    from ..data import load_dataset, validation_split
    from ..evaluate import evaluate_c1

    m = evaluate_c1(model, *validation_split(*load_dataset(cfg.dataset, True, data_root)))
    return {"accuracy": m["accuracy"], "nmi": m["nmi"]}


def load_reports(folder) -> dict[str, dict]:
    """Every `*/report.json` under folder, keyed by its sub-folder's name, sorted."""
    paths = sorted(Path(folder).glob("*/report.json"))
    if not paths:
        raise FileNotFoundError(f"no */report.json under {folder}; write them with "
                                f"`python -m infogan_lite report RUN_DIR --out {folder}/NAME`")
    return {p.parent.name: json.loads(p.read_text()) for p in paths}


def li_curves(reports, key: str = "L_I_frac", window: int = 5) -> dict:
    """Steps and the across-run mean and standard deviation of a logged quantity (default:
    L_I / H(c), the fraction of the code's entropy that Q recovers), each run first smoothed
    by a trailing moving average over `window` log points (the first window - 1 points are
    dropped, not padded). Runs are cut to the shortest."""
    series = [np.array([row[key] for row in r["history"]]) for r in reports]
    n = min(len(s) for s in series)
    kernel = np.ones(window) / window
    smooth = np.stack([np.convolve(s[:n], kernel, mode="valid") for s in series])  # trailing
    steps = np.array([row["step"] for row in reports[0]["history"][:n]])[window - 1:]
    return {"steps": steps, "mean": smooth.mean(0), "sd": smooth.std(0, ddof=1 if len(series) > 1 else 0),
            "runs": smooth}


def spread(values) -> dict:
    """mean, sample standard deviation, min and max of a list of numbers."""
    v = np.asarray(values, dtype=float)
    return {"n": len(v), "mean": float(v.mean()), "sd": float(v.std(ddof=1)) if len(v) > 1 else 0.0,
            "min": float(v.min()), "max": float(v.max())}
