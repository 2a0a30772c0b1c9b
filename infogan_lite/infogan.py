"""The InfoGAN model as a reader uses it: G, D and Q together, with `generate` and `infer`."""
from __future__ import annotations

import torch
from torch import nn

from .codes import LatentSpec
from .models import Architecture, Discriminator, Generator, init_weights, split_q


class InfoGAN(nn.Module):
    """G, and D with its Q head, built from a LatentSpec and an Architecture (Table 1 default).

    >>> model = InfoGAN(LatentSpec(62, (10,), 2))
    >>> model.generate(torch.tensor([[3]]), torch.zeros(1, 2), seed=0).shape
    torch.Size([1, 1, 28, 28])
    """

    def __init__(self, spec: LatentSpec, arch: Architecture | None = None,
                 learn_sigma: bool = False):
        super().__init__()
        self.spec, self.arch, self.learn_sigma = spec, arch or Architecture(), learn_sigma
        self.G = Generator(spec, self.arch)
        self.D = Discriminator(spec, self.arch, learn_sigma)
        self.apply(init_weights)

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device

    def to_unit_range(self, x: torch.Tensor) -> torch.Tensor:
        """G's output in [0, 1] (tanh models produce [-1, 1])."""
        return x if self.arch.g_output == "sigmoid" else (x + 1) / 2

    def from_unit_range(self, x: torch.Tensor) -> torch.Tensor:
        """Images in [0, 1] to the range D was trained on."""
        return x if self.arch.g_output == "sigmoid" else x * 2 - 1

    @torch.no_grad()
    def generate(self, cat: torch.Tensor, cont: torch.Tensor, noise: torch.Tensor | None = None,
                 seed: int | None = None) -> torch.Tensor:
        """Images G(z, c) in [0, 1], shape [n, C, H, W].

        cat: Long [n, len(spec.categorical)]; cont: [n, spec.continuous];
        noise: [n, spec.n_noise], or None to draw z ~ U(-1, 1) reproducibly from `seed`.
        """
        self.spec.check_codes(cat, cont, noise)
        if seed is not None and (isinstance(seed, bool) or not hasattr(seed, "__index__")):
            raise ValueError(f"seed must be a whole number or None, got {seed!r}")
        n, device = cat.shape[0], self.device
        if noise is None:
            g = torch.Generator().manual_seed(0 if seed is None else int(seed))
            noise = self.spec.sample(n, generator=g)[0]
        latent = self.spec.assemble(noise.float(), cat.long(), cont.float()).to(device)
        return self.to_unit_range(self.G(latent)).float()

    @torch.no_grad()
    def infer(self, x: torch.Tensor) -> tuple[list[torch.Tensor], torch.Tensor]:
        """Q's reading of images x in [0, 1]: (categorical logits per code, continuous means)."""
        expected = (self.arch.channels, self.arch.image_size, self.arch.image_size)
        if not isinstance(x, torch.Tensor):
            raise ValueError(f"infer takes a torch.Tensor of images [n, {', '.join(map(str, expected))}]"
                             f", got {type(x).__name__} (convert it with torch.as_tensor)")
        if x.dim() != 4 or tuple(x.shape[1:]) != expected:
            hint = " (one image? add a batch dimension: x[None])" if getattr(x, "ndim", 0) == 3 else ""
            raise ValueError(f"infer takes images of shape [n, {', '.join(map(str, expected))}], "
                             f"got {list(getattr(x, 'shape', [])) or type(x).__name__}{hint}")
        if not x.is_floating_point():
            raise ValueError(f"infer takes float images in [0, 1], got dtype {x.dtype}"
                             f"{' (divide by 255)' if x.dtype == torch.uint8 else ''}")
        if x.numel() and not torch.isfinite(x).all():
            raise ValueError("infer takes images in [0, 1], got NaN or infinite pixel values")
        if x.numel() and (x.min() < 0 or x.max() > 1):
            fix = "divide 0..255 images by 255" if x.max() > 1 else "map [-1, 1] images by (x + 1) / 2"
            raise ValueError(f"infer takes images in [0, 1], got values in [{float(x.min()):.3g}, "
                             f"{float(x.max()):.3g}]: {fix}")
        _, q_raw = self.D(self.from_unit_range(x.to(self.device, torch.float32)))
        q = split_q(q_raw.float(), self.spec, self.learn_sigma)
        return q.cat_logits, q.cont_mean
