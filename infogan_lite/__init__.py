"""infogan_lite: InfoGAN (Chen et al., 2016) in a few small modules, for the book
"InfoGAN from first principles"."""
from .codes import LatentSpec
from .config import TrainConfig
from .infogan import InfoGAN
from .models import Architecture, Layer
from .pretrained import load_pretrained
from .train import train

__all__ = ["LatentSpec", "TrainConfig", "InfoGAN", "Architecture", "Layer", "load_pretrained",
           "train"]
__version__ = "0.2.0"
