"""Readers of the code c1 trained on a generator's samples: readable information (chapter 5).

A *reader* is a network that outputs logits of q(c1 | x). Each is trained on pairs
(x = G(z, c), c1) drawn from a model and scored on fresh held-out pairs by

    L_I = E[log q(c1 | x)] + H(c1)   (nats; at most H(c1) = log K),

the variational bound of chapter 2 with the reader as Q. The readers, from small to large:
"linear" (multinomial logistic regression on the pixels), "q_head" (a freshly initialised
head with the layers of the model's Q head, on the model's frozen D trunk), "cnn" (D's
trunk and a Q head, all trainable, fresh initialisation), and "own_q" (the model's own Q,
not retrained). `tools/readable_information.py` runs them on the MNIST models.
"""
from __future__ import annotations

import copy
import math
import time

import torch
import torch.nn.functional as F
from torch import nn

from ..codes import LatentSpec
from ..infogan import InfoGAN
from ..models import Discriminator, init_weights


@torch.no_grad()
def draw(model: InfoGAN, n: int, seed: int, batch: int = 500):
    """n pairs (x = G(z, c) in [0, 1] [n, C, H, W], c1 [n]) from the model's prior, reproducibly."""
    g = torch.Generator().manual_seed(seed)
    xs, cs = [], []
    for i in range(0, n, batch):
        z, c_cat, c_cont = model.spec.sample(min(batch, n - i), g)
        xs.append(model.generate(c_cat, c_cont, z))
        cs.append(c_cat[:, 0])
    return torch.cat(xs), torch.cat(cs)


@torch.no_grad()
def code_effect(model: InfoGAN, n: int = 1000, seed: int = 99) -> dict:
    """How far c1 moves the image: the mean |pixel difference| between G(z, c) and the same
    with c1 changed to another random value ("c1"), against the same with the noise z
    redrawn ("z"). Both are averages over n pairs and all pixels, images in [0, 1]."""
    g = torch.Generator().manual_seed(seed)
    z, c_cat, c_cont = model.spec.sample(n, g)
    z2, other, _ = model.spec.sample(n, g)
    K = model.spec.categorical[0]
    shifted = c_cat.clone()
    shifted[:, 0] = (c_cat[:, 0] + 1 + other[:, 0] % (K - 1)) % K      # a different value
    x = model.generate(c_cat, c_cont, z)
    return {"c1": float((model.generate(shifted, c_cont, z) - x).abs().mean()),
            "z": float((model.generate(c_cat, c_cont, z2) - x).abs().mean())}


def sample_sets(model: InfoGAN, n_train: int, n_val: int, n_test: int, seed: int):
    """Three independent samples (train, val, test) of pairs (x, c1), each from its own
    random stream, so that no held-out pair was seen in training."""
    return tuple(draw(model, n, 3 * seed + i) for i, n in enumerate((n_train, n_val, n_test)))


# --- readers: start
def linear_reader(model: InfoGAN) -> nn.Module:
    """Multinomial logistic regression on the pixels: logits = W x + b."""
    a, K = model.arch, model.spec.categorical[0]
    return nn.Sequential(nn.Flatten(), nn.Linear(a.channels * a.image_size ** 2, K))


def _fresh_discriminator(model: InfoGAN) -> Discriminator:
    """The model's D architecture with a Q head for c1 alone, freshly initialised."""
    net = Discriminator(LatentSpec(0, (model.spec.categorical[0],), 0), model.arch)
    net.apply(init_weights)
    return net


def q_head_reader(model: InfoGAN) -> nn.Module:
    """A fresh copy of the model's Q head (same layers, c1's K logits out), reading the
    features of the model's frozen D trunk (fed in precomputed, see `features`)."""
    return _fresh_discriminator(model).q_head


class CNNReader(nn.Module):
    """D's trunk and a Q head with c1's K logits, all trainable, freshly initialised."""

    def __init__(self, model: InfoGAN):
        super().__init__()
        net = _fresh_discriminator(model)
        self.trunk, self.q_head = net.trunk, net.q_head

    def forward(self, x):
        return self.q_head(self.trunk(x))


@torch.no_grad()
def features(model: InfoGAN, x: torch.Tensor, batch: int = 1000) -> torch.Tensor:
    """The frozen D trunk's output (eval mode: batch norm uses its running statistics)."""
    return torch.cat([model.D.trunk(model.from_unit_range(x[i:i + batch]))
                      for i in range(0, len(x), batch)])
# --- readers: end


# --- score: start
@torch.no_grad()
def score(reader: nn.Module, x: torch.Tensor, c: torch.Tensor, K: int,
          batch: int = 1000) -> dict:
    """Held-out L_I = mean log q(c | x) + log K (nats), L_I / H(c), and accuracy of argmax q."""
    was = reader.training
    reader.eval()
    logits = torch.cat([reader(x[i:i + batch]) for i in range(0, len(x), batch)])
    reader.train(was)
    log_q = -F.cross_entropy(logits, c, reduction="none")
    L_I = float(log_q.mean()) + math.log(K)
    return {"L_I": L_I, "frac": L_I / math.log(K),
            "se": float(log_q.std() / math.sqrt(len(c))),
            "accuracy": float((logits.argmax(1) == c).float().mean())}


def fit(reader: nn.Module, train, val, K: int, steps: int, batch: int = 64,
        lr: float = 1e-3, eval_every: int = 100, seed: int = 0, log=None) -> dict:
    """Train a reader by Adam on minibatches of `train` = (x, c); score it on `val` every
    `eval_every` steps and keep the weights of the best validation L_I (early stopping;
    the test set is never looked at here). Returns {"curve": [(step, val L_I)], "best_step"}.
    `train` may also be a function (generator, batch) -> (x, c) that draws fresh pairs."""
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(reader.parameters(), lr=lr)
    curve, best, best_state, best_step = [], -math.inf, None, 0
    reader.train()
    for step in range(1, steps + 1):
        if callable(train):
            xb, cb = train(g, batch)
        else:
            idx = torch.randint(len(train[1]), (batch,), generator=g)
            xb, cb = train[0][idx], train[1][idx]
        loss = F.cross_entropy(reader(xb), cb)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if step % eval_every == 0 or step == steps:
            v = score(reader, *val, K)["L_I"]
            curve.append((step, round(v, 5)))
            if log:
                log(step, v)
            if v > best:
                best, best_state, best_step = v, copy.deepcopy(reader.state_dict()), step
    reader.load_state_dict(best_state)
    return {"curve": curve, "best_step": best_step}
# --- score: end


def trend(curve, tol: float = 0.02) -> str:
    """What a reader's validation curve [(step, L_I)] did at its end: "still rising" when its
    last check is its best (more steps could still raise the score), else "flat" when the
    best rose by less than `tol` nats over the last quarter of the checks, else "peaked late"
    (it rose by `tol` or more in the last quarter, then fell back before the last check)."""
    values = [v for _, v in curve]
    if values[-1] > max(values[:-1], default=-math.inf):
        return "still rising"
    cut = len(values) - max(len(values) // 4, 1)
    before = max(values[:cut], default=-math.inf)
    return "flat" if max(values) - before < tol else "peaked late"


def read_model(model: InfoGAN, n_train: int, n_val: int, n_test: int, steps: dict,
               seed: int = 0, batch: int = 64, lr: float = 1e-3, log=None) -> dict:
    """Every reader of c1 for one model: train on n_train samples, stop early on n_val, score
    on n_test fresh samples. steps: reader name -> Adam steps. Returns name -> result dict.
    log(reader, step, validation L_I), if given, sees the validation curves as they grow."""
    torch.manual_seed(seed)
    K = model.spec.categorical[0]
    t0 = time.perf_counter()
    train, val, test = sample_sets(model, n_train, n_val, n_test, seed)
    out = {"sample_seconds": round(time.perf_counter() - t0, 1), "effect": code_effect(model)}
    feats = [features(model, x) for x, _ in (train, val, test)]
    jobs = {"linear": (linear_reader(model), (train, val, test)),
            "q_head": (q_head_reader(model), tuple((f, d[1]) for f, d in
                                                   zip(feats, (train, val, test)))),
            "cnn": (CNNReader(model), (train, val, test))}
    for name, (reader, (tr, va, te)) in jobs.items():
        t = time.perf_counter()
        fitted = fit(reader, tr, va, K, steps[name], batch, lr, max(steps[name] // 20, 1), seed,
                     log=(lambda s, v, name=name: log(name, s, v)) if log else None)
        out[name] = {**score(reader, *te, K), **fitted, "steps": steps[name],
                     "seconds": round(time.perf_counter() - t, 1)}
    own = lambda x: model.infer(x)[0][0]  # noqa: E731  (the model's own Q, c1's logits)
    out["own_q"] = score(_Fn(own), *test, K)
    return out


def read_stream(model: InfoGAN, n_val: int, n_test: int, steps: int, seed: int = 0,
                batch: int = 64, lr: float = 1e-3, log=None) -> dict:
    """The full CNN reader trained on a stream of fresh pairs: each step draws a new batch
    from the model, so no pair is seen twice and the reader cannot overfit. Validation and
    test pairs are those of `read_model` with the same seed (same random streams)."""
    torch.manual_seed(seed)
    K = model.spec.categorical[0]
    val, test = draw(model, n_val, 3 * seed + 1), draw(model, n_test, 3 * seed + 2)

    def fresh(g, n):
        z, c_cat, c_cont = model.spec.sample(n, g)
        return model.generate(c_cat, c_cont, z), c_cat[:, 0]

    t = time.perf_counter()
    reader = CNNReader(model)
    fitted = fit(reader, fresh, val, K, steps, batch, lr, max(steps // 20, 1), seed + 1000,
                 log=(lambda s, v: log("cnn_stream", s, v)) if log else None)
    return {**score(reader, *test, K), **fitted, "steps": steps,
            "seconds": round(time.perf_counter() - t, 1)}


class _Fn(nn.Module):
    """Wrap a function as a module, so that `score` can call it."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x)
