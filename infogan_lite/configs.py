"""Named configurations: the paper's latent specs, architectures and settings (Appendix C).

Every architecture here is the same :class:`~infogan_lite.models.Architecture` with a few
fields changed, so all data sets run through the same Generator and Discriminator code.
``paper_config(name)`` returns a ready :class:`~infogan_lite.config.TrainConfig`:

    >>> paper_config("svhn").spec.dim          # 4 x Cat(10) + 4 continuous + 124 noise
    168

Where the paper contradicts itself (see the book's errata), the reading chosen is the
one whose numbers add up to the generator's input size in the tables:

* SVHN: section 7.2 says two continuous codes, Appendix C.2 says four; G's input of
  168 = 40 + 4 + 124 needs four, so we take four.
* Chairs: section 7.2 says four 20-way codes, Appendix C.5 says three; G's input of
  189 = 60 + 1 + 128 needs three, so we take three.
* Table 3 (CelebA) is captioned "SVHN" in the paper; its layers equal Table 2's.

Settings the paper leaves open, and what we chose:

* batch size: not stated; 128, as in the authors' MNIST code;
* sigma of the continuous codes: the paper has Q learn it (through an exponential), the
  authors' MNIST code fixes it to 1. MNIST keeps the code's choice; the other data sets,
  for which no official code exists, follow the paper's text (``learn_sigma=True``);
* strides the tables leave empty: 2 on every output upconv, and 1 on the middle layers
  of Table 6, the only strides that give 64x64 chairs (see ``CHAIRS_ARCH``).
"""
from __future__ import annotations

from .codes import LatentSpec
from .models import Architecture, Layer

# --- paper architectures: start
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
# --- paper architectures: end

ARCHITECTURES: dict[str, Architecture] = {
    "mnist": MNIST_ARCH,          # Table 1; also used for Fashion-MNIST, toy and shapes
    "svhn": SVHN_ARCH,            # Table 2
    "celeba": CELEBA_ARCH,        # Table 3 (= Table 2)
    "faces3d": FACES_ARCH,        # Table 4
    "chairs": CHAIRS_ARCH,        # Table 6
}


def architecture(name: str) -> Architecture:
    """Look up a named architecture, or raise a ValueError listing the known ones."""
    try:
        return ARCHITECTURES[name]
    except KeyError:
        raise ValueError(
            f"unknown architecture {name!r}: choose one of {', '.join(ARCHITECTURES)}") from None


# --- paper configs: start
# Overrides of TrainConfig's defaults (which are MNIST's), one entry per paper experiment.
# Tables 5 and 7 give one set of learning rates and lambdas per learned variation.
PAPER_CONFIGS: dict[str, dict] = {
    "mnist": {},
    "svhn": dict(dataset="svhn", arch="svhn", n_noise=124, categorical=(10,) * 4,
                 continuous=4, learn_sigma=True),
    "celeba": dict(dataset="celeba", arch="celeba", n_noise=128, categorical=(10,) * 10,
                   continuous=0),
    "faces3d-azimuth": dict(dataset="faces3d", arch="faces3d", n_noise=128, categorical=(),
                            continuous=5, learn_sigma=True, lr_d=2e-4, lr_g=5e-4,
                            lambda_cont=0.2),
    "faces3d-elevation": dict(dataset="faces3d", arch="faces3d", n_noise=128, categorical=(),
                              continuous=5, learn_sigma=True, lr_d=4e-4, lr_g=3e-4,
                              lambda_cont=0.1),
    "faces3d-lighting": dict(dataset="faces3d", arch="faces3d", n_noise=128, categorical=(),
                             continuous=5, learn_sigma=True, lr_d=8e-4, lr_g=3e-4,
                             lambda_cont=0.1),
    "chairs-rotation": dict(dataset="chairs", arch="chairs", n_noise=128, categorical=(20,) * 3,
                            continuous=1, learn_sigma=True, lr_d=2e-4, lr_g=1e-3,
                            lambda_cont=10.0, lambda_cat=1.0),
    "chairs-width": dict(dataset="chairs", arch="chairs", n_noise=128, categorical=(20,) * 3,
                         continuous=1, learn_sigma=True, lr_d=2e-4, lr_g=1e-3,
                         lambda_cont=0.05, lambda_cat=2.0),
}
# Table 5: "wide or narrow" was learned with the lighting network; the bare names pick the
# first row of Tables 5 and 7.
ALIASES = {"faces3d-width": "faces3d-lighting", "faces3d": "faces3d-azimuth",
           "chairs": "chairs-rotation"}
# --- paper configs: end


def paper_config(name: str, **overrides):
    """A TrainConfig with the paper's settings for experiment `name`, then `overrides`.

    Names: mnist, svhn, celeba, faces3d-{azimuth, elevation, lighting, width},
    chairs-{rotation, width}; "faces3d" and "chairs" pick azimuth and rotation.
    The output folder defaults to runs/<name>. Data sets without class labels
    (CelebA, 3D faces, chairs) get eval_every=0: there is no c1 accuracy to measure.
    """
    from .config import TrainConfig  # config.py imports this module

    key = ALIASES.get(name, name)
    if key not in PAPER_CONFIGS:
        known = sorted({*PAPER_CONFIGS, *ALIASES})
        raise ValueError(f"unknown paper configuration {name!r}: choose one of {', '.join(known)}")
    settings = {"out_dir": f"runs/{name}", **PAPER_CONFIGS[key]}
    if settings.get("dataset") in ("celeba", "faces3d", "chairs"):
        settings["eval_every"] = 0
    return TrainConfig(**{**settings, **overrides})
