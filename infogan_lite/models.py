"""The networks of InfoGAN: generator G, discriminator D, and the recognition head Q.

Built from a small :class:`Architecture` config whose defaults are the paper's
Table 1 (MNIST). Other image sizes and the paper's other tables are a few
overrides of that config (see ``architectures.py``), not copies of this code.

Table 1, in the order each layer applies (conv/FC -> batch norm -> activation):

    D / Q: input 28x28x1
           conv 4x4, 64, stride 2, lReLU(0.1)            (no BN on D's first layer)
           conv 4x4, 128, stride 2, BN, lReLU(0.1)
           FC 1024, BN, lReLU(0.1)                        <- the shared trunk ends here
           D head: FC 1 (a logit; the sigmoid lives in the loss)
           Q head: FC 128, BN, lReLU(0.1), FC -> code parameters
    G:     input 74
           FC 1024, BN, ReLU
           FC 7x7x128, BN, ReLU
           upconv 4x4, 64, stride 2, BN, ReLU
           upconv 4x4, 1, stride 2, sigmoid
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
from torch import nn

from .codes import LatentSpec


@dataclass(frozen=True)
class Layer:
    """One convolution or up-convolution: output channels, stride, batch norm after it."""

    channels: int
    stride: int = 2
    bn: bool = True


@dataclass(frozen=True)
class Architecture:
    """Layer sizes of G, D and Q. The defaults are the paper's Table 1 (MNIST, 28x28x1)."""

    image_size: int = 28
    channels: int = 1
    g_fc: tuple[int, ...] = (1024,)              # hidden FC layers of G (BN, ReLU)
    g_base: tuple[int, int] = (128, 7)           # FC to base_channels x base_size^2, reshaped
    g_base_bn: bool = True
    g_upconv: tuple[Layer, ...] = (Layer(64, 2, True),)  # hidden upconvs (ReLU)
    g_out_stride: int = 2                        # the output upconv to `channels`
    g_output: str = "sigmoid"                    # "sigmoid": images in [0, 1]; "tanh": [-1, 1]
    d_conv: tuple[Layer, ...] = (Layer(64, 2, False), Layer(128, 2, True))
    d_fc: tuple[int, ...] = (1024,)              # FC layers at the end of the trunk (BN, lReLU)
    q_hidden: int | None = 128                   # Q's own FC layer (BN, lReLU); None: no layer
    leak: float = 0.1                            # leaky ReLU slope of D and Q (paper: 0.1)

    def __post_init__(self):
        for name in ("g_upconv", "d_conv"):
            object.__setattr__(self, name, tuple(
                l if isinstance(l, Layer) else Layer(*l) for l in getattr(self, name)))
        if self.g_output not in ("sigmoid", "tanh"):
            raise ValueError(f"g_output must be 'sigmoid' or 'tanh', got {self.g_output!r}")
        g_size = self.g_base[1] * math.prod(l.stride for l in self.g_upconv) * self.g_out_stride
        if g_size != self.image_size:
            raise ValueError(
                f"the generator makes {g_size}x{g_size} images (base {self.g_base[1]} times its "
                f"upconv strides) but image_size is {self.image_size}: change g_base or the strides")
        if self.d_feature_size * math.prod(l.stride for l in self.d_conv) != self.image_size:
            raise ValueError(
                f"image_size {self.image_size} is not divisible by the discriminator's total "
                f"stride {math.prod(l.stride for l in self.d_conv)}: change image_size or d_conv")

    @property
    def d_feature_size(self) -> int:
        """Spatial size of D's last convolution's output (7 for MNIST)."""
        return self.image_size // math.prod(l.stride for l in self.d_conv)

    def to_dict(self) -> dict:
        d = dict(self.__dict__)
        d["g_upconv"] = [list(l.__dict__.values()) for l in self.g_upconv]
        d["d_conv"] = [list(l.__dict__.values()) for l in self.d_conv]
        return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}

    @classmethod
    def from_dict(cls, d: dict) -> "Architecture":
        d = dict(d)
        for k in ("g_fc", "g_base", "d_fc"):
            d[k] = tuple(d[k])
        d["g_upconv"] = tuple(Layer(*l) for l in d["g_upconv"])
        d["d_conv"] = tuple(Layer(*l) for l in d["d_conv"])
        return cls(**d)


def _upconv(c_in: int, c_out: int, stride: int) -> nn.Module:
    """A 4x4 up-convolution that multiplies the size by `stride` (1 or 2), 'same' padding."""
    if stride == 2:
        return nn.ConvTranspose2d(c_in, c_out, 4, stride=2, padding=1)
    if stride == 1:  # a stride-1 transposed convolution is a convolution
        return nn.Conv2d(c_in, c_out, 4, stride=1, padding="same")
    raise ValueError(f"upconv stride must be 1 or 2, got {stride}")


def _conv(c_in: int, c_out: int, stride: int) -> nn.Module:
    """A 4x4 convolution that divides the size by `stride` (1 or 2), 'same' padding."""
    if stride == 2:
        return nn.Conv2d(c_in, c_out, 4, stride=2, padding=1)
    if stride == 1:
        return nn.Conv2d(c_in, c_out, 4, stride=1, padding="same")
    raise ValueError(f"conv stride must be 1 or 2, got {stride}")


def _block(layer: nn.Module, width: int, bn: bool, act: nn.Module, dims: int) -> list[nn.Module]:
    norm = (nn.BatchNorm1d if dims == 1 else nn.BatchNorm2d)(width) if bn else None
    return [layer, norm, act] if bn else [layer, act]


class Generator(nn.Module):
    """G(z, c): the latent vector of length spec.dim to an image."""

    def __init__(self, spec: LatentSpec, arch: Architecture):
        super().__init__()
        layers, width = [], spec.dim
        for w in arch.g_fc:
            layers += _block(nn.Linear(width, w), w, True, nn.ReLU(), 1)
            width = w
        c_base, s_base = arch.g_base
        layers += _block(nn.Linear(width, c_base * s_base**2), c_base * s_base**2,
                         arch.g_base_bn, nn.ReLU(), 1)
        layers.append(nn.Unflatten(1, (c_base, s_base, s_base)))
        channels = c_base
        for l in arch.g_upconv:
            layers += _block(_upconv(channels, l.channels, l.stride), l.channels, l.bn, nn.ReLU(), 2)
            channels = l.channels
        layers.append(_upconv(channels, arch.channels, arch.g_out_stride))
        layers.append(nn.Sigmoid() if arch.g_output == "sigmoid" else nn.Tanh())
        self.net = nn.Sequential(*layers)

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        return self.net(latent)


class Discriminator(nn.Module):
    """D and Q together: a shared trunk, D's one-logit head, and Q's code-parameter head."""

    def __init__(self, spec: LatentSpec, arch: Architecture, learn_sigma: bool = False):
        super().__init__()
        act = nn.LeakyReLU(arch.leak)
        layers, channels = [], arch.channels
        for l in arch.d_conv:
            layers += _block(_conv(channels, l.channels, l.stride), l.channels, l.bn, act, 2)
            channels = l.channels
        layers.append(nn.Flatten())
        width = channels * arch.d_feature_size**2
        for w in arch.d_fc:
            layers += _block(nn.Linear(width, w), w, True, act, 1)
            width = w
        self.trunk = nn.Sequential(*layers)
        self.d_head = nn.Linear(width, 1)
        q_out = sum(spec.categorical) + spec.continuous * (2 if learn_sigma else 1)
        q_layers = _block(nn.Linear(width, arch.q_hidden), arch.q_hidden, True, act, 1) \
            if arch.q_hidden else []
        self.q_head = nn.Sequential(*q_layers, nn.Linear(arch.q_hidden or width, q_out))

    def forward(self, x: torch.Tensor, detach_q: bool = False):
        """Return D's logits [n] and Q's raw outputs [n, q_out].

        detach_q=True stops Q's gradient at the trunk: the paper's "GAN + Q" baseline,
        where Q learns to read c but the information term shapes nothing else.
        """
        h = self.trunk(x)
        return self.d_head(h).squeeze(1), self.q_head(h.detach() if detach_q else h)


def init_weights(module: nn.Module) -> None:
    """DCGAN initialisation, as in the authors' code: weights ~ N(0, 0.02), biases 0."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        nn.init.zeros_(module.bias)
    elif isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
        nn.init.ones_(module.weight)
        nn.init.zeros_(module.bias)


@dataclass
class QOutput:
    """Q's output split per code: logits of each categorical code, Gaussian of the continuous."""

    cat_logits: list[torch.Tensor]           # one [n, K_i] tensor per categorical code
    cont_mean: torch.Tensor                  # [n, continuous]
    cont_log_sigma: torch.Tensor | None = field(default=None)  # [n, continuous] or None (sigma=1)


def split_q(q_out: torch.Tensor, spec: LatentSpec, learn_sigma: bool) -> QOutput:
    """Cut Q's raw output vector into per-code parameters (no softmax: losses take logits)."""
    sizes = list(spec.categorical) + [spec.continuous] * (2 if learn_sigma else 1)
    parts = torch.split(q_out, sizes, dim=1)
    n_cat = len(spec.categorical)
    cat_logits = list(parts[:n_cat])
    cont_mean = parts[n_cat]
    cont_log_sigma = parts[n_cat + 1] if learn_sigma else None
    return QOutput(cat_logits, cont_mean, cont_log_sigma)
