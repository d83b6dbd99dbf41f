"""Figures for output activations and losses (notebook 02).

Output activation phi turns the logit y into the prediction y_hat = phi(y); each loss is
shown as a function of one logit together with its gradient dL/dy, both computed
by rnnlib's losses (so the figure shows exactly what the library computes).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from ..activations import sigmoid
from ..losses import loss_curve, softmax
from .style import COLORS

_CLASS_COLORS = (COLORS["x"], COLORS["h"], COLORS["y"])


def _logits(y_range, n):
    lo, hi = y_range
    if not lo < hi:
        raise ValueError(f"y_range must be (low, high) with low < high, got {y_range!r}")
    return np.linspace(lo, hi, n)


def plot_output_activations(
    y_range: tuple[float, float] = (-6.0, 6.0),
    others: tuple[float, float] = (0.0, 1.0),
    n: int = 241,
) -> Figure:
    """Two panels. Left: identity and sigmoid against the logit y. Right: softmax
    of three logits (y_1 varied, the other two fixed to ``others``).

    Returns the figure.
    """
    y = _logits(y_range, n)
    if len(others) != 2:
        raise ValueError(f"others must hold the two fixed logits (y_2, y_3), got {others!r}")
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.5))
    ax1.plot(y, y, color=COLORS["bound"], ls="--", label="identity: $\\hat y = y$")
    ax1.plot(y, sigmoid(y), color=COLORS["y"], label="sigmoid: $\\hat y = \\sigma(y)$")
    ax1.set_ylim(-0.5, 1.5)
    ax1.set_xlabel("logit $y$")
    ax1.set_ylabel("$\\hat y$")
    ax1.set_title("one output")
    ax1.legend(loc="upper left")
    logits = np.column_stack([y, np.full(n, others[0]), np.full(n, others[1])])
    probs = softmax(logits)
    for k in range(3):
        label = f"$\\hat y_{k + 1}$" + ("" if k == 0 else f"  ($y_{k + 1} = {others[k - 1]:g}$)")
        ax2.plot(y, probs[:, k], color=_CLASS_COLORS[k], label=label)
    ax2.set_ylim(0, 1)
    ax2.set_xlabel("logit $y_1$")
    ax2.set_ylabel("probability")
    ax2.set_title("softmax over three classes")
    ax2.legend(loc="center left")
    return fig


def plot_loss_and_gradient(
    target: float = 1.0, y_range: tuple[float, float] = (-4.0, 4.0), n: int = 161
) -> Figure:
    """Left: loss of one step against its logit y for a target; right: dL/dy.

    Curves: squared error (1/2 form) on the identity output, sigmoid + binary
    cross-entropy, and sigmoid + squared error (1/2 form), all computed by
    rnnlib.losses.loss_curve (mse and sigmoid_mse with form="half_sum"). The last keeps
    the sigmoid's derivative: its gradient is small wherever the sigmoid is flat, also
    for a confidently wrong logit. Returns the figure.
    """
    if not 0.0 <= target <= 1.0:
        raise ValueError(
            f"target must lie in [0, 1] (a probability for the BCE curve), got {target!r}"
        )
    y = _logits(y_range, n)
    curves = {  # name: (L(y), dL/dy)
        "squared error $\\frac{1}{2}(y - y^\\star)^2$": loss_curve(
            "mse", y, target, form="half_sum"
        ),
        "sigmoid + BCE": loss_curve("sigmoid_bce", y, target),
        "sigmoid + squared error": loss_curve("sigmoid_mse", y, target, form="half_sum"),
    }
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.5))
    styles = ((COLORS["bound"], "-"), (COLORS["loss"], "-"), (COLORS["y"], "--"))
    for (name, (loss, grad)), (color, ls) in zip(curves.items(), styles, strict=True):
        ax1.plot(y, loss, color=color, ls=ls, label=name)
        ax2.plot(y, grad, color=color, ls=ls, label=name)
    ax1.set_ylim(0, 5)
    ax1.set_xlabel("logit $y$")
    ax1.set_ylabel("$L$")
    ax1.set_title(f"loss, target $y^\\star = {target:g}$")
    ax2.axhline(0, color="black", lw=0.8)
    ax2.set_ylim(-3, 3)
    ax2.set_xlabel("logit $y$")
    ax2.set_ylabel("$\\partial L / \\partial y$")
    ax2.set_title("its gradient")
    ax2.legend(loc="upper left", fontsize=10)
    return fig
