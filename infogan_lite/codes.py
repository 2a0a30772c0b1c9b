"""The latent codes of InfoGAN: the noise z and the structured code c (paper section 5).

The generator reads one vector, the concatenation of

* ``z``: ``n_noise`` incompressible noise variables, ``z ~ U(-1, 1)`` as in the
  authors' code (the paper does not name the distribution);
* ``c_cat``: categorical codes, ``c_i ~ Cat(K_i, p = 1/K_i)``, fed to G one-hot;
* ``c_cont``: continuous codes, ``c_j ~ U(-1, 1)``.

For MNIST (paper section 7.2) that is 62 + 10 + 2 = 74 inputs.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F


@dataclass(frozen=True)
class LatentSpec:
    """Sizes of the generator's input: noise, categorical codes and continuous codes.

    The spec is the prior P(z, c) alone. Whether Q learns each continuous code's sigma is a
    choice of Q's family, not of the prior, so it is not here: the model carries it
    (InfoGAN.learn_sigma, from TrainConfig.learn_sigma) and every reading of Q's output
    takes it from there.

    >>> LatentSpec(n_noise=62, categorical=(10,), continuous=2).dim
    74
    """

    n_noise: int = 62
    categorical: tuple[int, ...] = (10,)
    continuous: int = 2

    def __post_init__(self):
        object.__setattr__(self, "categorical", tuple(self.categorical))
        if not isinstance(self.n_noise, int) or self.n_noise < 0:
            raise ValueError(f"LatentSpec.n_noise must be an integer >= 0, got {self.n_noise!r}")
        if not isinstance(self.continuous, int) or self.continuous < 0:
            raise ValueError(
                f"LatentSpec.continuous must be an integer >= 0, got {self.continuous!r}"
            )
        for k in self.categorical:
            if not isinstance(k, int) or k < 2:
                raise ValueError(
                    f"every categorical code needs a whole number of at least 2 categories, "
                    f"got {self.categorical!r}"
                )
        if self.dim == 0:
            raise ValueError("LatentSpec is empty: give the generator some noise or codes")

    @property
    def dim(self) -> int:
        """Length of the generator's input vector (74 for MNIST)."""
        return self.n_noise + sum(self.categorical) + self.continuous

    @property
    def H_c(self) -> float:
        """Entropy H(c) of the categorical codes in nats: sum of log K_i (ln 10 = 2.303 for MNIST).

        This is the ceiling of the categorical part of L_I (equation (5) of the paper):
        L_I reaches it when Q recovers every categorical code exactly.
        """
        return float(sum(math.log(k) for k in self.categorical))

    @property
    def H_cont(self) -> float:
        """Entropy of the continuous codes in nats: log 2 per U(-1, 1) code (the width of its
        interval), so that the continuous part of L_I (eq. 5) is E[log Q(c_cont | x)] + H_cont."""
        return self.continuous * math.log(2)

    def sample(self, n: int, generator: torch.Generator | None = None, device=None):
        """Draw n latent triples ``(z, c_cat, c_cont)`` from the prior.

        Returns z [n, n_noise], c_cat Long [n, len(categorical)], c_cont [n, continuous].
        """
        device = device if device is not None else (generator.device if generator else "cpu")
        z = torch.rand(n, self.n_noise, generator=generator, device=device) * 2 - 1
        c_cat = torch.stack(
            [torch.randint(k, (n,), generator=generator, device=device) for k in self.categorical],
            dim=1,
        ) if self.categorical else torch.zeros(n, 0, dtype=torch.long, device=device)
        c_cont = torch.rand(n, self.continuous, generator=generator, device=device) * 2 - 1
        return z, c_cat, c_cont

    def check_codes(self, c_cat: torch.Tensor, c_cont: torch.Tensor, z: torch.Tensor | None = None):
        """Raise a ValueError naming the problem if the codes do not fit this spec."""
        n_cat = len(self.categorical)
        if not isinstance(c_cat, torch.Tensor) or c_cat.dtype not in (torch.int32, torch.int64):
            raise ValueError(
                f"categorical codes must be an integer tensor [n, {n_cat}] of category "
                f"indices, got {getattr(c_cat, 'dtype', type(c_cat).__name__)}"
            )
        if c_cat.dim() != 2 or c_cat.shape[1] != n_cat:
            raise ValueError(
                f"categorical codes must have shape [n, {n_cat}] for {self}, "
                f"got {list(c_cat.shape)}"
            )
        n = c_cat.shape[0]
        for i, k in enumerate(self.categorical):
            if n and (c_cat[:, i].min() < 0 or c_cat[:, i].max() >= k):
                raise ValueError(
                    f"categorical code {i} takes values 0..{k - 1}, got values in "
                    f"[{int(c_cat[:, i].min())}, {int(c_cat[:, i].max())}]"
                )
        if not isinstance(c_cont, torch.Tensor) or not c_cont.is_floating_point():
            raise ValueError(
                f"continuous codes must be a float tensor [n, {self.continuous}], "
                f"got {getattr(c_cont, 'dtype', type(c_cont).__name__)}"
            )
        if c_cont.shape != (n, self.continuous):
            raise ValueError(
                f"continuous codes must have shape [{n}, {self.continuous}] for {self}, "
                f"got {list(c_cont.shape)}"
            )
        if not torch.isfinite(c_cont).all():
            raise ValueError("continuous codes contain NaN or infinite values")
        if z is not None and (not isinstance(z, torch.Tensor) or z.shape != (n, self.n_noise)):
            raise ValueError(
                f"noise must be a float tensor of shape [{n}, {self.n_noise}], "
                f"got {list(getattr(z, 'shape', [])) or type(z).__name__}"
            )
        if z is not None and not (z.is_floating_point() and torch.isfinite(z).all()):
            raise ValueError(
                f"noise must hold finite floats (z ~ U(-1, 1)), got "
                f"{'NaN or infinite values' if z.is_floating_point() else z.dtype}"
            )

    def assemble(self, z: torch.Tensor, c_cat: torch.Tensor, c_cont: torch.Tensor) -> torch.Tensor:
        """The generator's input: [z, one_hot(c_1), ..., one_hot(c_k), c_cont], shape [n, dim]."""
        one_hots = [F.one_hot(c_cat[:, i], k).to(z.dtype) for i, k in enumerate(self.categorical)]
        return torch.cat([z, *one_hots, c_cont.to(z.dtype)], dim=1)

    def to_dict(self) -> dict:
        return {"n_noise": self.n_noise, "categorical": list(self.categorical),
                "continuous": self.continuous}

    @classmethod
    def from_dict(cls, d: dict) -> "LatentSpec":
        return cls(n_noise=int(d["n_noise"]), categorical=tuple(int(k) for k in d["categorical"]),
                   continuous=int(d["continuous"]))
