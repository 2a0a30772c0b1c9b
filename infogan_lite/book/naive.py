"""The naive training loop: InfoGAN written the way many public ports write it (appendix A).

Kept only as the benchmark's reference (``bench.py`` times it against infogan_lite's own
loop); nothing else in the package uses it. Its costs: a DataLoader that converts every
image to PIL and back, one sample at a time; sigmoid + BCELoss instead of logits; several
backward passes, one with retain_graph; D's gradients computed in G's step for nothing; and
four .item() calls that wait for the device on every step.
"""
from __future__ import annotations

import torch
from torch import nn

from ..models import split_q


# --- naive loop: start
class PilDigits(torch.utils.data.Dataset):
    """Random 28x28 grey images served as PIL images, the way torchvision's MNIST serves them."""

    def __init__(self, n: int = 60_000, transform=None):
        self.data = torch.randint(0, 256, (n, 28, 28), dtype=torch.uint8,
                                  generator=torch.Generator().manual_seed(0))
        self.transform = transform

    def __len__(self):
        return len(self.data)

    def __getitem__(self, i):
        from PIL import Image
        return self.transform(Image.fromarray(self.data[i].numpy(), mode="L")), 0


def naive_loader(data: str, root, batch_size: int):
    """A DataLoader with per-sample ToTensor/Normalize, as the ports build it."""
    from torchvision import datasets, transforms

    from ..data import data_root
    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.0,), (1.0,))])
    ds = (datasets.MNIST(str(data_root(root)), train=True, download=True, transform=tf)
          if data == "real" else PilDigits(transform=tf))
    return torch.utils.data.DataLoader(ds, batch_size=batch_size, shuffle=True, drop_last=True)


def naive_step(model, opt_D, opt_G, x, lambda_info: float = 1.0) -> list[float]:
    """ANTI-PATTERN, kept only as the benchmark's reference: one InfoGAN update written the
    way many public ports write it. Same networks, same alternating D/Q-then-G update, but:
    sigmoid + BCELoss instead of logits, several backward passes (one with retain_graph),
    zero_grad() filling gradients with zeros, D's gradients computed in G's step for
    nothing, and four .item() calls that wait for the device every step.
    """
    spec, G, D = model.spec, model.G, model.D
    bce, ones, zeros = nn.BCELoss(), torch.ones(len(x), device=x.device), torch.zeros(len(x), device=x.device)
    z, c_cat, c_cont = spec.sample(len(x), device=x.device)

    def info(q_raw):  # cross-entropy + Gaussian NLL (sigma = 1) on Q's outputs
        q = split_q(q_raw, spec, False)
        return (nn.CrossEntropyLoss()(q.cat_logits[0], c_cat[:, 0])
                + 0.5 * ((q.cont_mean - c_cont) ** 2).sum(1).mean())

    opt_D.zero_grad()
    real_logit, _ = D(x)
    loss_real = bce(torch.sigmoid(real_logit), ones)
    loss_real.backward()
    fake = G(spec.assemble(z, c_cat, c_cont))
    fake_logit, q_raw = D(fake.detach())
    loss_fake = bce(torch.sigmoid(fake_logit), zeros) + lambda_info * info(q_raw)
    loss_fake.backward()
    opt_D.step()

    opt_G.zero_grad()
    fake_logit, q_raw = D(fake)
    loss_G = bce(torch.sigmoid(fake_logit), ones)
    loss_G.backward(retain_graph=True)
    loss_info = lambda_info * info(q_raw)
    loss_info.backward()
    opt_G.step()
    return [loss_real.item(), loss_fake.item(), loss_G.item(), loss_info.item()]
# --- naive loop: end
