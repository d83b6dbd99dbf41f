"""Figures for training with gradient descent (notebook 05): loss curves, predictions,
and a slice of the loss surface."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from .style import COLORS, axes_or_new

#: colours for several curves on one plot (in order)
CURVE_COLORS = ("#4C72B0", "#55A868", "#DD8452", "#8172B2", "#C44E52", "#937860", "#64B5CD")


def split_history(
    history: Mapping[str, Any] | Sequence[float],
) -> tuple[np.ndarray, int | None]:
    """(finite losses, step at which training diverged or None) for a history dict
    from ``rnnlib.train`` or a plain sequence of losses."""
    if isinstance(history, dict):
        if "loss" not in history:
            raise ValueError(f"a history must have a 'loss' list, got keys {sorted(history)}")
        losses, diverged = np.asarray(history["loss"], dtype=float), bool(history.get("diverged"))
    else:
        losses, diverged = np.asarray(history, dtype=float), False
    if losses.ndim != 1:
        raise ValueError(f"losses must be one value per step, got shape {losses.shape}")
    finite = np.isfinite(losses)
    if not finite.all():
        diverged = True
        losses = losses[: int(np.argmin(finite))]
    return losses, (len(losses) if diverged else None)


def clip_curve(losses: ArrayLike, top: float | None) -> tuple[np.ndarray, np.ndarray]:
    """Steps 1..n and losses, cut where the loss first exceeds ``top`` (that point is
    set to ``top``, so the curve visibly leaves the plot there)."""
    losses = np.asarray(losses, dtype=float)
    steps = np.arange(1, len(losses) + 1)
    if top is None:
        return steps, losses
    above = np.flatnonzero(losses > top)
    if above.size == 0:
        return steps, losses
    n = above[0] + 1
    shown = losses[:n].copy()
    shown[-1] = top
    return steps[:n], shown


def plot_loss_curves(
    histories: Mapping[str, Mapping[str, Any] | Sequence[float]],
    ax: Axes | None = None,
    title: str = "Training loss",
    log: bool = True,
) -> Figure:
    """One loss curve per entry of ``histories`` ({label: history or list of losses}).

    When a curve would go higher than 10 x the largest initial loss, the axis ends there.
    A run that diverged
    (history["diverged"] or a NaN / inf loss) is drawn dashed, marked with a cross where
    it leaves the plot, and its legend entry gives the step whose loss was infinite.
    Returns the figure.
    """
    if not isinstance(histories, dict) or not histories:
        raise TypeError(
            f"histories must be a non-empty dict {{label: history}}, got {type(histories).__name__}"
        )
    fig, ax = axes_or_new(ax)
    runs = {label: split_history(h) for label, h in histories.items()}
    starts = [losses[0] for losses, _ in runs.values() if len(losses)]
    top = 10 * max(starts) if starts else None  # a diverging loss leaves the plot here
    for i, (label, (losses, stop)) in enumerate(runs.items()):
        color = CURVE_COLORS[i % len(CURVE_COLORS)]
        steps, shown = clip_curve(losses, top)
        if stop is None:
            ax.plot(steps, shown, color=color, label=f"{label}: final {losses[-1]:.3g}")
        else:
            ax.plot(
                steps,
                shown,
                color=color,
                ls="--",
                label=f"{label}: diverged (loss inf at step {stop + 1})",
            )
            x_mark, y_mark = (steps[-1], shown[-1]) if len(steps) else (1, top or 1.0)
            ax.plot(x_mark, y_mark, "X", color=color, ms=13, mec="black", clip_on=False, zorder=5)
    if log:
        ax.set_yscale("log")
    leaves = any(stop is not None or (len(l) and np.max(l) > top) for l, stop in runs.values())
    if top is not None and leaves:  # fix the top only when a curve would stretch the axis
        ax.set_ylim(top=top)
    ax.set_xlabel("gradient step")
    ax.set_ylabel("loss")
    ax.set_title(title)
    ax.legend(loc="best")
    return fig


def plot_predictions(
    inputs: ArrayLike,
    targets: ArrayLike,
    predictions: ArrayLike,
    ax: Axes | None = None,
    title: str = "One test sequence",
) -> Figure:
    """Input s_t, target s_{t+1} and the network's prediction y_t for one sequence."""
    fig, ax = axes_or_new(ax)
    series = {"input $x_t$": inputs, "target": targets, "prediction $y_t$": predictions}
    arrs = {k: np.asarray(v, dtype=float).reshape(-1) for k, v in series.items()}
    lengths = {len(v) for v in arrs.values()}
    if len(lengths) != 1:
        raise ValueError(
            f"inputs, targets and predictions must have the same length, got {lengths}"
        )
    t = np.arange(1, lengths.pop() + 1)
    ax.plot(t, arrs["input $x_t$"], color=COLORS["x"], lw=1.5, alpha=0.6, label="input $x_t$")
    ax.plot(t, arrs["target"], color="black", lw=1.5, ls="--", label="target $s_{t+1}$")
    ax.plot(
        t, arrs["prediction $y_t$"], color=COLORS["y"], marker="o", ms=4, label="prediction $y_t$"
    )
    lo = min(v.min() for v in arrs.values())
    hi = max(v.max() for v in arrs.values())
    ax.set_ylim(lo - 0.35 * (hi - lo), hi + 0.05 * (hi - lo))  # room for the legend below
    ax.set_xlabel("time step $t$")
    ax.set_title(title)
    ax.legend(loc="lower center", ncols=3)
    return fig


def plot_loss_slice(
    alphas: ArrayLike,
    losses: ArrayLike,
    ax: Axes | None = None,
    labels: tuple[str, str] = ("$\\theta_A$", "$\\theta_B$"),
) -> Figure:
    """L((1 - a) theta_A + a theta_B) along the segment between two parameter vectors."""
    a = np.asarray(alphas, dtype=float)
    v = np.asarray(losses, dtype=float)
    if a.shape != v.shape or a.ndim != 1:
        raise ValueError(
            f"alphas and losses must be 1-D of equal length, got {a.shape} and {v.shape}"
        )
    fig, ax = axes_or_new(ax)
    ax.plot(a, v, color=COLORS["loss"])
    ax.plot([a[0], a[-1]], [v[0], v[-1]], "o", color="black")
    for x, y, text in ((a[0], v[0], labels[0]), (a[-1], v[-1], labels[1])):
        ax.annotate(text, (x, y), textcoords="offset points", xytext=(0, 10), ha="center")
    ax.set_xlabel(r"$a$ in $(1 - a)\,\theta_A + a\,\theta_B$")
    ax.set_ylabel("loss")
    ax.set_title("The loss along a straight line between two solutions")
    return fig
