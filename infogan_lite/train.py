"""Training: one InfoGAN step, and the loop around it.

The loop keeps the whole data set on the device as one tensor and draws batches by
index; it reads losses back to the host only at logging points; it writes a
checkpoint atomically every `checkpoint_every` steps and resumes from the last one.
"""
from __future__ import annotations

import contextlib
import json
import math
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from .accel import FastPath, adam_kwargs, autocast, cpu_has_bf16, precision_name, select_device
from .architectures import architecture
from .checkpoint import RunState, refuse_non_finite, save_weights
from .config import TrainConfig
from .data import labelled_subset, load_dataset, validation_split
from .evaluate import evaluate_c1, label_free_c1
from .files import atomic_write, folder_lock
from .infogan import InfoGAN
from .losses import d_loss, g_loss, info_lower_bound
from .models import split_q

# the history's columns: the GAN losses, the bound L_I of the categorical and of the continuous
# codes (eq. 5, in nats), and the semi-supervised term
LOSS_NAMES = ("L_D", "L_G", "L_I_cat", "L_I_cont", "L_sup")
PROBE_IMAGES = 5000  # real training images on which the label-free criteria are read


# --- train step: start
def train_step(model, opt_DQ, opt_G, x_real, gen, cfg, fast: FastPath | None = None,
               labelled=None):
    """One InfoGAN update (eq. 6): first D and Q, then G, as in the authors' code.

    D and Q (one optimiser, one shared trunk) minimise  -V(D, G) - lambda L_I;
    then G, against the updated D and Q, minimises  -log D(G(z, c)) - lambda L_I.
    The information term therefore trains Q's head, D's shared trunk and G.
    `fast` (accel.FastPath): mixed precision, its gradient scaler, compiled networks.
    `labelled` = (x, y), real images and their labels, adds lambda_sup times Q's
    cross-entropy on them to D and Q's loss (semi-supervised InfoGAN).
    Returns (L_D, L_G, L_I_cat, L_I_cont, L_sup) as one detached tensor: no host sync.
    """
    fast = fast or FastPath()
    spec, (G, D), device = model.spec, fast.nets or (model.G, model.D), x_real.device
    z, c_cat, c_cont = spec.sample(x_real.shape[0], generator=gen)

    def info(q_raw):  # lambda-weighted L_I, and its two parts
        L_I_cat, L_I_cont = info_lower_bound(split_q(q_raw, spec, model.learn_sigma),
                                             c_cat, c_cont, spec.H_c, spec.H_cont)
        return cfg.lambda_cat * L_I_cat + cfg.lambda_cont * L_I_cont, L_I_cat, L_I_cont

    # 1. D and Q: tell real from fake, and read c back from the fake images.
    with autocast(device, fast.dtype):
        x_fake = G(spec.assemble(z, c_cat, c_cont))
        real_logits, _ = D(x_real)
        fake_logits, q_raw = D(x_fake.detach(), detach_q=cfg.baseline)
        q_labelled = D(labelled[0])[1] if labelled else None
    lambda_L_I, L_I_cat, L_I_cont = info(q_raw)
    L_D = d_loss(real_logits.float(), fake_logits.float())
    L_sup = F.cross_entropy(split_q(q_labelled, spec, model.learn_sigma).cat_logits[0].float(),
                            labelled[1]) if labelled else L_D.new_zeros(())
    opt_DQ.zero_grad(set_to_none=True)
    fast.scale(L_D - lambda_L_I + cfg.lambda_sup * L_sup).backward()
    fast.apply_gradients(opt_DQ)

    # 2. G: fool the updated D, and keep c readable for the updated Q. By default G reuses
    # the D step's z and c; with cfg.fresh_g_latents it draws its own, as the authors' code
    # does (each of its two session runs samples the prior anew).
    if cfg.fresh_g_latents:
        z, c_cat, c_cont = spec.sample(x_real.shape[0], generator=gen)
    with autocast(device, fast.dtype):
        if cfg.fresh_g_latents:
            x_fake = G(spec.assemble(z, c_cat, c_cont))
        fake_logits, q_raw = D(x_fake, detach_q=cfg.baseline)
    L_G = g_loss(fake_logits.float())
    opt_G.zero_grad(set_to_none=True)
    fast.scale(L_G - info(q_raw)[0]).backward(inputs=list(model.G.parameters()))
    fast.apply_gradients(opt_G)
    fast.update_scale()
    return torch.stack([L_D, L_G, L_I_cat, L_I_cont, L_sup]).detach()
# --- train step: end


def make_optimizers(model, cfg: TrainConfig):
    """Adam for D with Q (lr_d) and for G (lr_g), beta1 = 0.5 as in the authors' code; with
    cfg.lr_q set, Q's own head is a second group of D's optimiser, at lr_q."""
    kw = {"betas": (cfg.beta1, cfg.beta2), **adam_kwargs(next(model.parameters()).device)}
    return (torch.optim.Adam(dq_groups(model, cfg), lr=cfg.lr_d, **kw),
            torch.optim.Adam(model.G.parameters(), lr=cfg.lr_g, **kw))


def dq_groups(model, cfg: TrainConfig):
    """D's parameters as one group, or, with cfg.lr_q set, the trunk and D's head, then Q's
    head: one group per rate of cfg.dq_lrs."""
    if cfg.lr_q is None:
        return [{"params": list(model.D.parameters())}]
    head = {id(p) for p in model.D.q_head.parameters()}
    rest = [p for p in model.D.parameters() if id(p) not in head]
    return [{"params": rest}, {"params": list(model.D.q_head.parameters()), "lr": cfg.lr_q}]


def batch_indices(step: int, n: int, batch_size: int, seed: int) -> torch.Tensor:
    """Indices of the step-th batch: epoch e is a fixed permutation drawn from (seed, e).

    A pure function of the step, so a resumed run sees exactly the batches it would have.
    """
    per_epoch = n // batch_size
    epoch, i = divmod(step, per_epoch)
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed * 1_000_003 + epoch))
    return perm[i * batch_size:(i + 1) * batch_size]


def train(cfg: TrainConfig, resume: bool = False, progress: bool = True) -> tuple[InfoGAN, dict]:
    """Train an InfoGAN from `cfg`; return the model and its record (history, evals, timing).

    With resume=True, continue from `cfg.out_dir/checkpoint.pt` when it exists.
    Only one process at a time trains in an out_dir (see checkpoint.folder_lock).
    """
    cfg.validate()
    with folder_lock(cfg.out_dir):
        return _train(cfg, resume, progress)


# --- loop: start
def _train(cfg: TrainConfig, resume: bool, progress: bool) -> tuple[InfoGAN, dict]:
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    device, out = select_device(cfg.device), Path(cfg.out_dir)
    torch.manual_seed(cfg.seed)
    model = InfoGAN(cfg.spec, architecture(cfg.arch_name), cfg.learn_sigma).to(device)
    gen, ckpt = torch.Generator(device).manual_seed(cfg.seed), out / "checkpoint.pt"
    run = RunState(model, *make_optimizers(model, cfg), gen, cfg)
    if resume and ckpt.exists():
        run.restore(ckpt)
    # written first, so that an unwritable out_dir or a full disk stops the run before any work
    atomic_write(out / "config.json", lambda f: f.write(json.dumps(cfg.to_dict(), indent=1).encode()))
    data = _RunData(cfg, model, device)
    fast = FastPath.for_run(model, cfg.amp, cfg.compile)
    sums = torch.zeros(len(LOSS_NAMES), device=device) if run.sums is None else run.sums.to(device)
    finite = torch.ones((), dtype=torch.bool, device=device)  # every loss so far was finite
    run.segments.append(_segment(run.step, device, fast.dtype))  # how these steps compute
    bar = tqdm(total=cfg.steps, initial=run.step, disable=not progress,
               desc=f"{cfg.dataset} seed {cfg.seed} ({precision_name(fast.dtype)})")
    clock = Stopwatch(run.seconds)
    model.train()
    while run.step < cfg.steps:
        idx = batch_indices(run.step, len(data.images), cfg.batch_size, cfg.seed).to(device)
        losses = train_step(model, run.opt_DQ, run.opt_G, data.images[idx], gen, cfg, fast,
                            data.labelled)
        sums += losses
        finite &= torch.isfinite(losses).all()
        run.step, run.count = run.step + 1, run.count + 1
        bar.update(1)
        if _due(run.step, cfg.log_every, cfg):
            run.history.append(_log_row(run.step, sums / run.count, cfg, clock.seconds()))
            bar.set_postfix(L_I_cat=f"{run.history[-1]['L_I_cat']:.3f}")
            sums.zero_()
            run.count = 0
        if cfg.eval_every and _due(run.step, cfg.eval_every, cfg):
            with clock.paused():
                run.evals.append(_evaluate(model, data, run.step, clock.seconds()))
        if cfg.snapshot_every and run.step % cfg.snapshot_every == 0:
            save_weights(model, out / "snapshots" / f"step{run.step:06d}.pt")
        if _due(run.step, cfg.checkpoint_every, cfg):
            if not finite:  # never overwrite the last good checkpoint with broken weights
                refuse_non_finite(run.step, "a loss since the last log", cfg.out_dir)
            run.seconds, run.sums = clock.seconds(), sums
            run.save(ckpt)
    bar.close()
    record = {"config": cfg.to_dict(), "step": run.step, "train_seconds": round(clock.seconds(), 2),
              "precision": "+".join(sorted({seg["precision"] for seg in run.segments})),
              "segments": run.segments,
              "history": run.history, "evals": run.evals}
    atomic_write(out / "record.json", lambda f: f.write(json.dumps(record, indent=1).encode()))
    return model, record
# --- loop: end


class Stopwatch:
    """Seconds of training, starting from `seconds`; `paused()` leaves time out of the count."""

    def __init__(self, seconds: float = 0.0):
        self.total, self.started = seconds, time.perf_counter()

    def seconds(self) -> float:
        return self.total + (time.perf_counter() - self.started if self.started else 0.0)

    @contextlib.contextmanager
    def paused(self):
        self.total, self.started = self.seconds(), None
        try:
            yield
        finally:
            self.started = time.perf_counter()


def _segment(step: int, device, dtype) -> dict:
    """Where a run (or its resumed part) computed from `step` on: the precision actually
    used, the device, whether the CPU has native bf16, and torch's version."""
    return {"from_step": step, "precision": precision_name(dtype), "device": str(device),
            "cpu_bf16": cpu_has_bf16(), "torch": torch.__version__}


def _due(step: int, every: int, cfg: TrainConfig) -> bool:
    """True every `every` steps, and at the last step."""
    return step % every == 0 or step == cfg.steps


class _RunData:
    """The tensors a run reads: training images on the device, the probe images for the
    label-free criteria, the labelled images of a semi-supervised run, the validation split
    (whose labels only evaluation reads) and the test set."""

    def __init__(self, cfg: TrainConfig, model: InfoGAN, device):
        train_x, train_y = load_dataset(cfg.dataset, True, cfg.data_root)
        if cfg.batch_size > len(train_x):
            raise ValueError(f"batch_size {cfg.batch_size} is larger than the {len(train_x)} "
                             f"training images of {cfg.dataset}: use a smaller batch_size")
        self.images = model.from_unit_range(train_x).to(device)
        self.probe = train_x[::max(1, len(train_x) // PROBE_IMAGES)][:PROBE_IMAGES]  # no labels
        self.labelled = _labelled(cfg, self.images, train_y) if cfg.labels_per_class else None
        self.val = validation_split(train_x, train_y) if cfg.eval_every else None
        self.test = load_dataset(cfg.dataset, False, cfg.data_root) if cfg.eval_every else None


def _evaluate(model, data: _RunData, step: int, train_seconds: float) -> dict:
    """One row of `evals`: c1 against the test labels; its accuracies on the validation split
    (`val_*`, the numbers that may choose among runs); the label-free criteria."""
    t0 = time.perf_counter()
    m, v = evaluate_c1(model, *data.test), evaluate_c1(model, *data.val)
    free = label_free_c1(model, data.probe)
    return {"step": step, "train_seconds": round(train_seconds, 2),
            **{k: m[k] for k in ("accuracy", "plain_accuracy", "nmi", "ari", "usage")},
            "val_accuracy": v["accuracy"], "val_plain_accuracy": v["plain_accuracy"],
            **{f"label_free_{k}": round(v, 5) for k, v in free.items()},
            "eval_seconds": round(time.perf_counter() - t0, 2)}


def _labelled(cfg, images, labels):
    """The semi-supervised run's labelled images (on the device) and labels."""
    K = cfg.categorical[0]
    if int(labels.max()) >= K:
        raise ValueError(f"labels_per_class ties c1 to the labels, but {cfg.dataset} has labels up "
                         f"to {int(labels.max())} and c1 has {K} categories: use categorical "
                         f"[{int(labels.max()) + 1}, ...]")
    idx = labelled_subset(labels, cfg.labels_per_class, cfg.seed)
    return images[idx.to(images.device)], labels[idx].to(images.device)


def _log_row(step: int, means: torch.Tensor, cfg: TrainConfig, seconds: float) -> dict:
    """Read the mean losses since the last log (the only host sync) and refuse NaN."""
    values = dict(zip(LOSS_NAMES, means.tolist()))
    if not all(math.isfinite(v) for v in values.values()):
        refuse_non_finite(step, values, cfg.out_dir)
    H_c = cfg.spec.H_c
    return {"step": step, "seconds": round(seconds, 2), **{k: round(v, 5) for k, v in values.items()},
            "L_I_frac": round(values["L_I_cat"] / H_c, 5) if H_c else None}
