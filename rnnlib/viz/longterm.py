"""Figures of notebook 09: the adding problem, learning curves, test errors and how far
back the gradient flows (the runs themselves: rnnlib.experiments.run_adding)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from ..data import ADDING_BASELINE_MSE
from .style import COLORS, use_course_style


# ---------------------------------------------------------------------------
# figures
# ---------------------------------------------------------------------------
def plot_adding_example(xs: np.ndarray, target: float) -> Figure:
    """One sequence of the adding problem: the values x_(t,1) as bars, the two marked
    steps t1, t2 (marker x_(t,2) = 1) highlighted, and the target (their sum)."""
    use_course_style()
    T = xs.shape[0]
    t = np.arange(1, T + 1)
    marked = xs[:, 1] > 0
    fig, ax = plt.subplots(figsize=(8, 3.2))
    ax.bar(t, xs[:, 0], color=COLORS["x"], alpha=0.35, label="value $x_{t,1}$")
    ax.bar(t[marked], xs[marked, 0], color=COLORS["x"], label="marked ($x_{t,2} = 1$)")
    for name, tm in zip(("$t_1$", "$t_2$"), t[marked], strict=True):
        ax.text(tm, xs[tm - 1, 0] + 0.03, name, ha="center", va="bottom", fontsize=12)
    top = 1.25  # room above the largest value, 1, for the legend
    ax.axvline(T / 2 + 0.5, ymax=1 / top, color=COLORS["bound"], ls=":", lw=1.5, label="halfway")
    ax.set(xlabel="time step t", ylabel="$x_{t,1}$", ylim=(0, top), xlim=(0.4, T + 0.6))
    step = 1 if T <= 10 else 5 * int(np.ceil(T / 50))  # at most about 10 ticks
    ax.set_xticks(sorted({1, *range(step, T + 1, step), T}))
    ax.set_title(f"target = sum of the two marked values = {float(target):.3f}", fontsize=13)
    ax.legend(loc="upper right", ncols=3)
    ax.grid(False)
    return fig


def _smooth(values, width=20):
    """(steps, moving average over the last ``width`` values ending at each step)."""
    v = np.asarray(values, dtype=float)
    width = min(width, len(v))
    avg = np.convolve(v, np.ones(width) / width, mode="valid")
    return np.arange(width, len(v) + 1), avg


def plot_learning_curves(
    runs: Mapping[str, Mapping[str, Any]],
    title: str | None = None,
    baseline: float = ADDING_BASELINE_MSE,
) -> Figure:
    """Training loss (moving average over 20 steps) of several runs {label: run}, with
    the always-predict-1 baseline."""
    use_course_style()
    fig, ax = plt.subplots(figsize=(8, 3.6))
    colors = plt.cm.viridis(np.linspace(0.0, 0.85, len(runs)))
    for (label, run), c in zip(runs.items(), colors, strict=True):
        ax.semilogy(*_smooth(run["history"]["loss"]), color=c, label=label)
    ax.axhline(baseline, color=COLORS["bound"], ls="--", label="baseline 1/6")
    ax.set(xlabel="training step", ylabel="training MSE (last 20 steps)")
    if title:
        ax.set_title(title, fontsize=13)
    ax.legend(loc="lower left", ncols=2, fontsize=10)
    return fig


def plot_test_mse(
    results: Mapping[str, float | Sequence[float]],
    title: str | None = None,
    baseline: float = ADDING_BASELINE_MSE,
) -> Figure:
    """Horizontal bars: test MSE / baseline for each labelled run {label: test mse}, with
    the baseline at 1. A label may carry several runs (a list of test MSEs, e.g. one per
    seed): its bar reaches their median, a dot marks each run, and its text gives the
    median and the range."""
    use_course_style()
    fig, ax = plt.subplots(figsize=(8, 3.6))
    labels = list(results)
    runs = [np.atleast_1d(np.asarray(results[k], dtype=float)) / baseline for k in labels]
    vals = np.array([np.median(v) for v in runs])
    colors = plt.cm.viridis(np.linspace(0.0, 0.85, len(labels)))
    y = np.arange(len(labels))
    ax.barh(y, vals, color=colors, height=0.65)
    for yi, v, each in zip(y, vals, runs, strict=True):
        right = max(v, each.max())
        text = f"{v:.2f}"
        if len(each) > 1:
            ax.plot(each, np.full(len(each), yi), "o", color="black", ms=5, zorder=3)
            text = f"median {v:.2f} ({each.min():.2f} to {each.max():.2f})"
        x = 1.02 if 0.85 < right < 1.0 else right + 0.02  # keep the label off the dashed line
        ax.text(x, yi, text, va="center", fontsize=11)
    ax.axvline(1.0, color=COLORS["bound"], ls="--", lw=1.5)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, max(1.3, max(v.max() for v in runs) + 0.15))
    ax.set_xlabel("test MSE / baseline (dashed: always answer 1)")
    if title:
        ax.set_title(title, fontsize=13)
    ax.grid(axis="y", visible=False)
    return fig


def plot_coefficients(
    steps: Sequence[int],
    first: ArrayLike,
    second: ArrayLike,
    test_ratio: ArrayLike,
    T: int,
    budget: int | None = None,
) -> Figure:
    """What a network knows during training: the coefficients of x_(t1,1) and x_(t2,1)
    in a least-squares fit of its predictions (rnnlib.experiments.adding_coefficients)
    and its test MSE / baseline, against the number of training steps; a dotted line at
    ``budget`` steps if given."""
    use_course_style()
    fig, ax = plt.subplots(figsize=(8, 3.6))
    ax.plot(steps, first, "o-", ms=4, color=COLORS["x"], label=r"coefficient of $x_{t_1,1}$")
    ax.plot(steps, second, "s-", ms=4, color=COLORS["h"], label=r"coefficient of $x_{t_2,1}$")
    ax.plot(steps, test_ratio, "--", color=COLORS["bound"], label="test MSE / baseline")
    ax.axhline(1.0, color=COLORS["bound"], lw=0.8)
    if budget is not None:
        ax.axvline(budget, color=COLORS["bound"], ls=":", lw=1.5)
        ax.text(budget, 1.25, f" {budget} steps", va="top", color=COLORS["bound"])
    ax.set(xlabel="training steps", ylabel="coefficient or ratio", ylim=(-0.1, 1.3))
    ax.set_title(f"what the vanilla tanh RNN uses, T = {T}", fontsize=13)
    ax.legend(loc="center left")
    return fig


def plot_gradient_flow(curves: Mapping[str, ArrayLike]) -> Figure:
    """||dh_T/dh_k|| against the distance T - k (log scale), one line per {label: norms}."""
    use_course_style()
    fig, ax = plt.subplots(figsize=(8, 3.6))
    colors = [COLORS["W_hh"], COLORS["loss"], COLORS["grad"], COLORS["x"]]
    for (label, norms), c in zip(curves.items(), colors, strict=False):
        norms = np.asarray(norms)
        d = np.arange(len(norms))[::-1]  # k = 0..T -> distance T - k
        ax.semilogy(d, np.maximum(norms, 1e-300), color=c, label=label)
    ax.set(xlabel="distance T - k (steps back)", ylabel=r"$\|\partial h_T / \partial h_k\|_2$")
    ax.legend(loc="lower left")
    return fig
