"""The paper's networks by name: one Architecture per table (Appendix C).

Every architecture here is the same :class:`~infogan_lite.models.Architecture` with a few
fields changed, so all data sets run through the same Generator and Discriminator code.
Strides the tables leave empty: 2 on every output upconv, and 1 on the middle layers of
Table 6, the only strides that give 64x64 chairs (see ``CHAIRS_ARCH``).
"""
from __future__ import annotations

from .codes import LatentSpec
from .models import Architecture, Layer

# MNIST (Table 1): 62 noise variables, one 10-way categorical code, two continuous codes.
MNIST_SPEC = LatentSpec(n_noise=62, categorical=(10,), continuous=2)
MNIST_ARCH = Architecture()

# SVHN (Table 2) and CelebA (Table 3): 32x32x3, G from a 2x2x448 base, tanh output,
# batch norm only on G's first two layers; D has three convolutions and no hidden FC.
SVHN_ARCH = Architecture(
    image_size=32, channels=3, g_fc=(), g_base=(448, 2),
    g_upconv=(Layer(256, 2, True), Layer(128, 2, False), Layer(64, 2, False)),
    g_output="tanh",
    d_conv=(Layer(64, 2, False), Layer(128, 2, True), Layer(256, 2, True)), d_fc=())
CELEBA_ARCH = SVHN_ARCH

# 3D faces (Table 4): 32x32x1; D and Q share the whole network (no hidden layer of Q's own).
FACES_ARCH = Architecture(image_size=32, g_base=(128, 8), q_hidden=None)

# Chairs (Table 6): 64x64x1. The table marks stride 2 only on D's first three convolutions
# and on G's upconvs to 128 and 64; the others must be stride 1 (D) and 1, 1, 2 (G) for
# the sizes 64 -> 8 and 8 -> 64 to work out.
CHAIRS_ARCH = Architecture(
    image_size=64, g_base=(256, 8),
    g_upconv=(Layer(256, 1, True), Layer(256, 1, True), Layer(128, 2, True), Layer(64, 2, True)),
    d_conv=(Layer(64, 2, False), Layer(128, 2, True), Layer(256, 2, True),
            Layer(256, 1, True), Layer(256, 1, True)),
    q_hidden=None)

# Not the paper's: Table 1's layout with every width divided by 8, the same code paths in a
# fraction of the time, for tests and quick checks of a pipeline.
TINY_ARCH = Architecture(g_fc=(32,), g_base=(8, 7), g_upconv=(Layer(8, 2, True),),
                         d_conv=(Layer(8, 2, False), Layer(16, 2, True)), d_fc=(32,), q_hidden=16)

ARCHITECTURES: dict[str, Architecture] = {
    "mnist": MNIST_ARCH,          # Table 1; also used for Fashion-MNIST, toy and shapes
    "svhn": SVHN_ARCH,            # Table 2
    "celeba": CELEBA_ARCH,        # Table 3 (= Table 2)
    "faces3d": FACES_ARCH,        # Table 4
    "chairs": CHAIRS_ARCH,        # Table 6
    "tiny": TINY_ARCH,            # not a paper table: 28x28 like Table 1, for tests
}


def architecture(name: str) -> Architecture:
    """Look up a named architecture, or raise a ValueError listing the known ones."""
    try:
        return ARCHITECTURES[name]
    except KeyError:
        raise ValueError(
            f"unknown architecture {name!r}: choose one of {', '.join(ARCHITECTURES)}") from None
