"""The networks and their losses as one picture (chapters 4 and 6): G makes x, D's shared trunk
reads it, D's head and Q's head sit on the trunk, and each box names the losses that train it.

`WIRINGS` is the picture's content: for each of chapter 4's three wirings, which losses update
which parameters. tests/test_diagram.py checks it against autograd on a real model, so the
picture cannot say something the code does not do. `tools/diagram.py` writes the SVG the book
shows.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

PARTS = ("G", "trunk", "D head", "Q head")
LOSSES = ("L_D", "L_G", "lambda L_I")

# Which losses update each part's parameters (D's step minimises L_D - lambda L_I over the
# trunk and both heads; G's step minimises L_G - lambda L_I over G only).
WIRINGS = {
    "InfoGAN": {"G": {"L_G", "lambda L_I"}, "trunk": {"L_D", "lambda L_I"},
                "D head": {"L_D"}, "Q head": {"lambda L_I"}},
    "trunk not trained by $L_I$ (a port's bug)": {
        "G": {"L_G", "lambda L_I"}, "trunk": {"L_D"}, "D head": {"L_D"}, "Q head": {"lambda L_I"}},
    "GAN + Q baseline": {"G": {"L_G"}, "trunk": {"L_D"}, "D head": {"L_D"},
                         "Q head": {"lambda L_I"}},
}

COLOURS = {"L_D": "#1f77b4", "L_G": "#d62728", "lambda L_I": "#2ca02c"}
LABELS = {"L_D": r"$L_D$", "L_G": r"$L_G$", "lambda L_I": r"$\lambda L_I$"}
# Box centres in one panel's coordinates (x to the right, y up), and box size.
PLACES = {"z, c": (0.55, 2.0), "G": (1.95, 2.0), "x": (3.45, 2.0), "x_data": (3.45, 0.6),
          "trunk": (5.2, 1.3), "D head": (7.0, 2.1), "Q head": (7.0, 0.5)}
W, H = 1.2, 0.62


def _box(ax, name, text, trained_by=None):
    x, y = PLACES[name]
    network = trained_by is not None
    ax.add_patch(FancyBboxPatch((x - W / 2, y - H / 2), W, H, boxstyle="round,pad=0.04",
                                facecolor="#f4f4f4" if network else "white",
                                edgecolor="#333333", linewidth=1.4 if network else 0.8))
    ax.text(x, y + (0.08 if network else 0), text, ha="center", va="center", fontsize=10)
    for i, loss in enumerate(l for l in LOSSES if l in (trained_by or ())):
        ax.add_patch(FancyBboxPatch((x - W / 2 + 0.06 + i * 0.36, y - H / 2 - 0.2), 0.32, 0.17,
                                    boxstyle="round,pad=0.01", facecolor=COLOURS[loss],
                                    edgecolor="none"))
        ax.text(x - W / 2 + 0.22 + i * 0.36, y - H / 2 - 0.115, LABELS[loss], ha="center",
                va="center", fontsize=6.5, color="white")


def _arrow(ax, start, end, colour="#555555", style="-|>", dashed=False):
    (x0, y0), (x1, y1) = PLACES[start], PLACES[end]
    ax.add_patch(FancyArrowPatch((x0 + W / 2, y0), (x1 - W / 2, y1), arrowstyle=style,
                                 mutation_scale=11, color=colour, linewidth=1.1,
                                 linestyle="--" if dashed else "-", shrinkA=2, shrinkB=2))


def panel(ax, title: str, trained: dict) -> None:
    """One wiring: the forward path as grey arrows, each network box with the losses that
    train its parameters as coloured tags under it."""
    ax.set_xlim(-0.15, 7.7)
    ax.set_ylim(-0.25, 2.75)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=10.5, loc="left")
    _box(ax, "z, c", "$z,\\ c$")
    _box(ax, "G", "$G$", trained["G"])
    _box(ax, "x", "$x = G(z, c)$")
    _box(ax, "x_data", "$x \\sim P_{data}$")
    _box(ax, "trunk", "$D$'s trunk\n(shared)", trained["trunk"])
    _box(ax, "D head", "$D$ head", trained["D head"])
    _box(ax, "Q head", "$Q$ head", trained["Q head"])
    for start, end in [("z, c", "G"), ("G", "x"), ("x", "trunk"), ("x_data", "trunk"),
                       ("trunk", "D head"), ("trunk", "Q head")]:
        _arrow(ax, start, end)
    _info_gradient(ax, trained)


def _info_gradient(ax, trained):
    """The path of L_I's gradient, backwards from Q's head, as a dashed green line: through the
    trunk into G when G is trained by it; a note where the path stops or skips the trunk."""
    green = COLOURS["lambda L_I"]
    reaches_G = "lambda L_I" in trained["G"]
    path = [("Q head", "trunk"), ("trunk", "x"), ("x", "G")] if reaches_G else []
    for end, start in path:   # drawn backwards: from the loss towards the parameters
        (x1, y1), (x0, y0) = PLACES[end], PLACES[start]
        ax.add_patch(FancyArrowPatch((x1 - W / 2, y1 - 0.12), (x0 + W / 2, y0 - 0.12),
                                     arrowstyle="-|>", mutation_scale=9, color=green,
                                     linewidth=1.0, linestyle=(0, (3, 2)), shrinkA=2,
                                     shrinkB=2, connectionstyle="arc3,rad=-0.15"))
    if "lambda L_I" not in trained["trunk"]:
        note = ("passes through the trunk\nbut does not update it" if reaches_G
                else "Q reads detached features:\nno gradient beyond Q's head")
        ax.text(5.2, 0.42, note, fontsize=6.5, ha="center", va="top", color=green)


def wiring_diagram(wirings: dict = WIRINGS):
    """The three wirings of chapter 4, one panel each, with a legend of the losses."""
    fig, axes = plt.subplots(len(wirings), 1, figsize=(7.6, 2.7 * len(wirings)))
    for ax, (title, trained) in zip(axes, wirings.items()):
        panel(ax, title, trained)
    handles = [plt.Rectangle((0, 0), 1, 1, color=COLOURS[l]) for l in LOSSES]
    fig.legend(handles, ["$L_D$ (D's step)", "$L_G = -\\log D(G(z, c))$ (G's step)",
                         "$\\lambda L_I$ (both steps); dashed: its gradient"],
               loc="lower center", ncol=3, fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig
