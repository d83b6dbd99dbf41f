"""Figures for per-weight gradients (notebook 04).

Each shared weight's gradient is a sum over time steps, e.g.
dL/dW_hh = sum_k dz_k h_{k-1}^T; these figures show the size of every term.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import LogFormatterMathtext
from numpy.typing import ArrayLike

from .style import COLORS, axes_or_new

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
    fig, ax = axes_or_new(ax, (8, 4))
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


def _labelled_lines(curves, name):
    if not isinstance(curves, dict) or not curves:
        raise TypeError(
            f"{name} must be a non-empty dict {{label: values}}, got {type(curves).__name__}"
        )


def plot_step_errors(errors: Mapping[str, ArrayLike], ax: Axes | None = None) -> Figure:
    """Squared error of every step's output, one line per initial state (log scale).

    errors: {label: array (T,)} with errors[label][t-1] = ||y_t - y*_t||^2. Returns the
    figure.
    """
    _labelled_lines(errors, "errors")
    fig, ax = axes_or_new(ax, (8, 3.6))
    colors = (COLORS["bound"], COLORS["h"], COLORS["grad"])
    for i, (label, values) in enumerate(errors.items()):
        ts, v = _steps(values)
        ax.plot(ts, v, marker=_MARKERS[i % 5], color=colors[i % 3], label=label)
    ax.set_yscale("log")
    ax.set_xticks(ts[:: max(1, len(ts) // 10)])
    ax.set_xlabel("step $t$")
    ax.set_ylabel(r"$\| y_t - y^\star_t \|^2$")
    ax.set_title("Error of each step's output")
    ax.legend(loc="center right")
    return fig


def plot_step_size_sweep(
    deltas: ArrayLike, errors: Mapping[str, ArrayLike], tol: float = 1e-7, ax: Axes | None = None
) -> Figure:
    """Relative error of a gradient check against the finite-difference step Delta.

    deltas (n,) the steps; errors: {label: array (n,)} relative errors, one line per
    gradient checked. A dashed line marks ``tol``. Log-log axes. Returns the figure.
    """
    _labelled_lines(errors, "errors")
    deltas = np.asarray(deltas, dtype=float)
    if deltas.ndim != 1 or deltas.size < 2 or np.any(deltas <= 0):
        raise ValueError(f"deltas must be a 1-D array of positive steps, got {deltas!r}")
    fig, ax = axes_or_new(ax, (8, 4))
    colors = (COLORS["h"], COLORS["y"], COLORS["grad"], COLORS["x"])
    for i, (label, values) in enumerate(errors.items()):
        v = np.asarray(values, dtype=float)
        if v.shape != deltas.shape:
            raise ValueError(f"errors[{label!r}] must have one value per step, got {v.shape}")
        ax.plot(deltas, v, marker=_MARKERS[i % 5], color=colors[i % 4], label=label)
    ax.axhline(tol, color=COLORS["bound"], ls="--", lw=1.2)
    label = "tolerance " + LogFormatterMathtext()(tol)  # 10^-7, as on the axes
    ax.text(deltas[0], tol * 1.6, label, color=COLORS["bound"], fontsize=11)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"finite-difference step $\Delta$")
    ax.set_ylabel("relative error")
    ax.set_title("Gradient check against the step size")
    ax.legend(loc="lower left", fontsize=10)
    return fig
