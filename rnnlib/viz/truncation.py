"""Figures of notebook 08: which losses reach which steps, what truncation costs and saves.

Notation: BPTT(k2; k1) runs a backward pass every k1 steps (rnnlib.truncation_blocks
lists the passes); the reach matrices, errors and costs drawn here are computed by
rnnlib.truncation and rnnlib.experiments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from numpy.typing import ArrayLike

from ..rnn import truncation_blocks
from ..truncation import Block, Truncation, reach_from_blocks, reach_matrix
from .style import COLORS, use_course_style


# ---------------------------------------------------------------------------
# figures
# ---------------------------------------------------------------------------
def _label(truncate):
    if truncate is None:
        return "full BPTT"
    k1, k2 = (truncate, truncate) if np.isscalar(truncate) else truncate
    return f"BPTT($k_2$={k2}; $k_1$={k1})"


def plot_backward_passes(
    T: int, configs: Sequence[Truncation | list[Block]], labels: Sequence[str] | None = None
) -> Figure:
    """One time line per configuration: each backward pass is a bar over the steps it
    goes through (t_stop, t_end], with the steps whose losses it carries marked.

    configs: list of truncate values, or of block lists (t_end, t_loss, t_stop).
    """
    use_course_style()
    fig, axes = plt.subplots(len(configs), 1, figsize=(8, 4), sharex=True, squeeze=False)
    for i, (ax, cfg) in enumerate(zip(axes[:, 0], configs, strict=True)):
        blocks = cfg if isinstance(cfg, list) else truncation_blocks(T, cfg)
        label = labels[i] if labels else _label(cfg)
        for row, (t_end, t_loss, t_stop) in enumerate(blocks):
            ax.barh(
                row,
                t_end - t_stop,
                left=t_stop + 0.5,
                height=0.55,
                color=COLORS["grad"],
                alpha=0.35,
                edgecolor=COLORS["grad"],
            )
            ax.annotate(
                "",
                xy=(t_stop + 0.5, row),
                xytext=(t_end + 0.5, row),
                arrowprops=dict(arrowstyle="->", color=COLORS["grad"], lw=1.5),
            )
            us = np.arange(t_loss + 1, t_end + 1)
            ax.plot(us, np.full(us.shape, row), "o", color=COLORS["loss"], ms=5)
        ax.set_ylim(len(blocks) - 0.4, -0.6)
        ax.set_yticks([])
        ax.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=11)
        ax.grid(False)
        ax.spines["left"].set_visible(False)
    ax.set_xlim(0.3, T + 0.7)
    ax.set_xticks(range(1, T + 1))
    ax.set_xlabel(
        "time step t   (bar: steps a backward pass goes through; dots: losses it carries)"
    )
    return fig


def plot_reach(
    T: int, configs: Sequence[Truncation | list[Block]], titles: Sequence[str] | None = None
) -> Figure:
    """Reach matrices side by side: row u = loss at step u, column s = parameter use at
    step s; filled = the loss sends gradient to that step."""
    use_course_style()
    fig, axes = plt.subplots(1, len(configs), figsize=(9, 3.5), squeeze=False)
    cmap = plt.matplotlib.colors.ListedColormap(["white", COLORS["grad"]])
    for i, (ax, cfg) in enumerate(zip(axes[0], configs, strict=True)):
        R = reach_from_blocks(T, cfg) if isinstance(cfg, list) else reach_matrix(T, cfg)
        ax.imshow(R, cmap=cmap, vmin=0, vmax=1, extent=(0.5, T + 0.5, T + 0.5, 0.5))
        ax.set_title(titles[i] if titles else _label(cfg), fontsize=12)
        ax.set_xlabel("parameter use at step s")
        ax.xaxis.set_major_locator(MaxNLocator(6, integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(6, integer=True))
        if i == 0:
            ax.set_ylabel("loss at step u")
        ax.grid(False)
    return fig


def plot_errors(
    ks: ArrayLike, curves: Mapping[str, np.ndarray], T: int, floor: float = 1e-7
) -> Figure:
    """Relative error of truncated gradients against k2, one line per labelled curve;
    a dotted line at k2 = T where truncation becomes full BPTT. Errors below ``floor``
    (rounding only, from k2 = T on) are drawn at the floor."""
    use_course_style()
    fig, ax = plt.subplots(figsize=(8, 3.6))
    colors = [COLORS["grad"], COLORS["W_hh"], COLORS["loss"]]
    for (label, errs), c in zip(curves.items(), colors, strict=False):
        ax.semilogy(ks, np.maximum(errs, floor), "o-", ms=3, color=c, label=label)
    ax.set_ylim(floor / 3, 2.0)
    ax.axvline(T, color=COLORS["bound"], ls=":", lw=1.5)
    ax.text(T, 1.0, "  $k_2 = T$", va="top", color=COLORS["bound"])
    ax.text(T, floor, "exact (rounding only)  ", ha="right", va="bottom", fontsize=11)
    ax.set_xlabel("truncation length $k_2$")
    ax.set_ylabel("relative error vs full BPTT")
    ax.legend(loc="lower left")
    return fig


def plot_cost(
    Ts: ArrayLike,
    per_update: Mapping[str, ArrayLike],
    total: Mapping[str, ArrayLike],
    peaks: Mapping[str, ArrayLike],
) -> Figure:
    """Three panels against T: time per update, time for the whole sequence, peak
    memory. Each argument after Ts is {label: values in seconds or bytes}."""
    use_course_style()
    fig, axes = plt.subplots(1, 3, figsize=(10.5, 3.4))
    colors = [COLORS["loss"], COLORS["grad"]]
    panels = [
        (per_update, 1e3, "time per update (ms)", "per update"),
        (total, 1e3, "time for all T steps (ms)", "whole sequence"),
        (peaks, 2.0**-20, "peak memory (MiB)", "memory"),
    ]
    for ax, (values, scale, ylabel, title) in zip(axes, panels, strict=True):
        for (label, v), c in zip(values.items(), colors, strict=False):
            ax.plot(Ts, scale * np.asarray(v), "o-", color=c, label=label)
        ax.set(xlabel="sequence length T", ylabel=ylabel, title=title)
        ax.set_ylim(bottom=0)
        ax.xaxis.set_major_locator(MaxNLocator(4, integer=True))
    axes[0].legend(loc="upper left")
    return fig


def plot_window_sweep(ks: ArrayLike, ratios: ArrayLike, delay: int) -> Figure:
    """Test loss / chance of networks trained with truncation every k steps on a delayed
    echo, one bar per k (evenly spaced), with the delay marked: below it no loss's
    window spans the dependency."""
    use_course_style()
    fig, ax = plt.subplots(figsize=(8, 3.4))
    ks, ratios = np.asarray(ks), np.asarray(ratios)
    x = np.arange(len(ks))
    short = ks < delay
    ax.bar(
        x[short],
        ratios[short],
        width=0.6,
        color=COLORS["bound"],
        alpha=0.6,
        label="window shorter than the delay",
    )
    ax.bar(
        x[~short],
        ratios[~short],
        width=0.6,
        color=COLORS["grad"],
        label="window at least the delay",
    )
    for xi, r in zip(x, ratios, strict=True):
        ax.text(xi, r + 0.03, f"{r:.2f}", ha="center", va="bottom", fontsize=12)
    top = 1.25 * max(1.2, ratios.max())
    ax.axhline(1.0, color=COLORS["loss"], ls="--", lw=1.5)
    ax.text(len(ks) - 0.45, 1.02, "chance", color=COLORS["loss"], va="bottom", ha="right")
    if short.any() and not short.all():
        edge = x[short].max() + 0.5
        ax.axvline(edge, color=COLORS["bound"], ls=":", lw=1.5)
        ax.text(edge + 0.05, 0.97 * top, f"delay d = {delay}", va="top")
    ax.set_xticks(x, [str(k) for k in ks])
    ax.set_xlim(-0.6, len(ks) - 0.4)
    ax.set_ylim(0, top)
    ax.set(xlabel="detach every $k_1$ steps ($k_2 = k_1$)", ylabel="test MSE / chance")
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 0.15), fontsize=10)
    ax.grid(axis="x", visible=False)
    return fig


def plot_randomized(ns: ArrayLike, errs: np.ndarray, fixed: float, fixed_label: str) -> Figure:
    """Error of the mean of n randomized-truncation gradients (log-log) with a
    1/sqrt(n) reference, against the error of fixed truncation (a constant bias)."""
    use_course_style()
    fig, ax = plt.subplots(figsize=(8, 3.8))
    ns = np.asarray(ns, dtype=float)
    ax.loglog(ns, errs, "o-", color=COLORS["grad"], label="mean of n randomized gradients")
    ax.loglog(
        ns,
        errs[0] * np.sqrt(ns[0] / ns),
        "--",
        color=COLORS["bound"],
        label=r"$\propto 1/\sqrt{n}$",
    )
    ax.axhline(fixed, color=COLORS["loss"], lw=2, label=fixed_label)
    ax.yaxis.set_minor_formatter(plt.NullFormatter())  # decades only: fewer, larger labels
    ax.set_xlabel("number of randomized gradients averaged, n")
    ax.set_ylabel("relative error vs full")
    ax.legend(loc="lower left")
    return fig
