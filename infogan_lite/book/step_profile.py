"""Where one InfoGAN step spends its time: the phases of `train_step`, timed one by one (appendix A).

`profile_step` runs the same arithmetic as `train.train_step`, in the same order, with a
clock read between phases (and, on a GPU, a synchronisation, which the real step avoids).
"""
from __future__ import annotations

import statistics
import time

import torch

from ..accel import autocast
from ..losses import d_loss, g_loss, info_lower_bound
from ..models import split_q

PHASES = ("sample z and c", "G forward", "D and Q forward (real, fake)", "losses",
          "D and Q backward", "Adam step (D, Q)", "D and Q forward (G's update)",
          "backward through D into G", "Adam step (G)")


class _Clock:
    """Reads process CPU time ('cpu') or wall time ('wall', synchronising a GPU first)."""

    def __init__(self, device: torch.device, clock: str):
        self.device, self.clock = device, clock
        self.last, self.laps = self._now(), []

    def _now(self) -> float:
        if self.clock == "cpu":
            return time.process_time()
        if self.device.type == "cuda":
            torch.cuda.synchronize()
        return time.perf_counter()

    def lap(self) -> None:
        now = self._now()
        self.laps.append(now - self.last)
        self.last = now


def _one_step(model, opt_DQ, opt_G, x_real, gen, cfg, dtype, clock: _Clock) -> None:
    spec, G, D = model.spec, model.G, model.D
    z, c_cat, c_cont = spec.sample(x_real.shape[0], generator=gen)
    clock.lap()
    with autocast(x_real.device, dtype):
        x_fake = G(spec.assemble(z, c_cat, c_cont))
    clock.lap()
    with autocast(x_real.device, dtype):
        real_logits, _ = D(x_real)
        fake_logits, q_raw = D(x_fake.detach())
    clock.lap()
    L_I_cat, L_I_cont = info_lower_bound(split_q(q_raw, spec, model.learn_sigma), c_cat, c_cont,
                                         spec.H_c, spec.H_cont)
    loss = d_loss(real_logits.float(), fake_logits.float()) \
        - cfg.lambda_cat * L_I_cat - cfg.lambda_cont * L_I_cont
    clock.lap()
    opt_DQ.zero_grad(set_to_none=True)
    loss.backward()
    clock.lap()
    opt_DQ.step()
    clock.lap()
    with autocast(x_real.device, dtype):
        fake_logits, q_raw = D(x_fake)
    clock.lap()
    L_I_cat, L_I_cont = info_lower_bound(split_q(q_raw, spec, model.learn_sigma), c_cat, c_cont,
                                         spec.H_c, spec.H_cont)
    opt_G.zero_grad(set_to_none=True)
    (g_loss(fake_logits.float()) - cfg.lambda_cat * L_I_cat - cfg.lambda_cont * L_I_cont
     ).backward(inputs=list(G.parameters()))
    clock.lap()
    opt_G.step()
    clock.lap()


def profile_step(model, opt_DQ, opt_G, x_real, gen, cfg, dtype=None, repeats: int = 5,
                 clock: str = "wall") -> dict[str, float]:
    """Median milliseconds of each phase of one InfoGAN step (PHASES, in order), over
    `repeats` steps after one warm-up step. clock: 'wall' or 'cpu' (process time)."""
    laps = []
    for r in range(repeats + 1):
        c = _Clock(x_real.device, clock)
        _one_step(model, opt_DQ, opt_G, x_real, gen, cfg, dtype, c)
        if r:  # the first step warms up the allocator and the kernels
            laps.append(c.laps)
    return {name: 1000 * statistics.median(lap[i] for lap in laps) for i, name in enumerate(PHASES)}
