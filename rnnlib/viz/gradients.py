"""Figures for per-weight gradients (notebook 04).

Each shared weight's gradient is a sum over time steps, e.g.
dL/dW_hh = sum_k dz_k h_{k-1}^T; these figures show the size of every term.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from .style import COLORS

_MARKERS = ("o", "s", "^", "D", "v")


def _steps(values):
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(
            f"expected a non-empty 1-D array of per-step values, got shape {arr.shape}"
        )
    return np.arange(1, arr.size + 1), arr


def plot_contribution_norms(
    norms: Mapping[str, ArrayLike], param: str = "W_hh", ax: Axes | None = None, log: bool = True
) -> Figure:
    """Frobenius norm ||dL/dW at time k||_F against k, one line per loss.

    norms: {label: array (T,)} with norms[label][k-1] = ||dz_k h_{k-1}^T||_F (or the
    term of another parameter). Returns the figure.
    """
    if not isinstance(norms, dict) or not norms:
        raise TypeError(
            f"norms must be a non-empty dict {{label: per-step norms}}, got {type(norms).__name__}"
        )
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 4))
    else:
        fig = ax.figure
    colors = (COLORS["grad"], COLORS["loss"], COLORS["h"], COLORS["x"], COLORS["y"])
    for i, (label, values) in enumerate(norms.items()):
        ks, v = _steps(values)
        ax.plot(ks, v, marker=_MARKERS[i % 5], color=colors[i % 5], label=label)
    if log:
        ax.set_yscale("log")
    ax.set_xticks(ks)
    ax.set_xlabel("time step $k$ at which the weight is used")
    name = param.replace("_", "_{", 1) + "}" if "_" in param else param
    ax.set_ylabel(rf"$\| \partial L / \partial {name}$ at $k \|_F$")
    ax.set_title(rf"Contribution of each time step to $\partial L/\partial {name}$")
    ax.legend()
    return fig


def plot_h0_gradient_parts(parts: ArrayLike, ax: Axes | None = None) -> Figure:
    """Markers ||dL_t/dh_0|| for every step's loss L_t (t = 1..T).

    dL/dh_0 = sum_t dL_t/dh_0: every step's loss reaches the initial state, the later
    ones through longer products of Jacobians. Returns the figure.
    """
    ts, v = _steps(parts)
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 4))
    else:
        fig = ax.figure
    ax.plot(ts, v, marker="o", color=COLORS["grad"])
    ax.set_yscale("log")
    ax.set_xticks(ts)
    ax.set_xlabel("step $t$ of the loss $L_t$")
    ax.set_ylabel(r"$\| \partial L_t / \partial h_0 \|$")
    ax.set_title(r"Every step's loss reaches the initial state $h_0$")
    return fig
