"""Figures of notebook 07: what clipping does to a gradient, and the cliff.

Clipping by norm at the threshold tau keeps the direction: g <- tau g / ||g|| when
||g|| > tau. Clipping by value clips every component to [-limit, limit] and turns the vector.
The figures write the threshold as tau (theta is the course's symbol for the parameters).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import QuadMesh
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import NullLocator
from numpy.typing import ArrayLike

from ..cliff import B_RANGE, W_RANGE, cliff_grid
from ..clip import clip_by_norm, clip_by_value
from .style import COLORS


def plot_clip_2d(
    ax: Axes, g: ArrayLike, threshold: float, limit: float
) -> tuple[np.ndarray, np.ndarray]:
    """A 2-D gradient g, its norm-clipped version (circle of radius threshold) and its
    value-clipped version (box [-limit, limit]^2). Returns the three clipped vectors."""
    g = np.asarray(g, dtype=float)
    by_norm = clip_by_norm({"g": g}, threshold)[0]["g"]
    by_value = clip_by_value({"g": g}, limit)["g"]
    angle = np.linspace(0, 2 * np.pi, 200)
    ax.plot(threshold * np.cos(angle), threshold * np.sin(angle), color=COLORS["bound"], lw=1)
    ax.plot(
        [-limit, limit, limit, -limit, -limit],
        [-limit, -limit, limit, limit, -limit],
        ":",
        color=COLORS["bound"],
        lw=1.5,
    )
    for vec, color, label in [
        (g, COLORS["grad"], "g (original)"),
        (by_norm, COLORS["x"], rf"clipped by norm ($\tau$ = {threshold:g})"),
        (by_value, COLORS["y"], f"clipped by value (entries in \u00b1{limit:g})"),
    ]:
        ax.annotate(
            "",
            xy=vec,
            xytext=(0, 0),
            arrowprops=dict(arrowstyle="-|>", color=color, lw=2.5, mutation_scale=18),
        )
        ax.plot([], [], color=color, lw=2.5, label=label)
    m = 1.15 * max(abs(g).max(), limit, threshold)
    ax.set_xlim(-0.25 * m, m)
    ax.set_ylim(-0.25 * m, m)
    ax.set_aspect("equal")
    ax.set_xlabel("component 1")
    ax.set_ylabel("component 2")
    ax.legend(loc="upper left", fontsize=10)
    return by_norm, by_value


def plot_cliff(
    ax: Axes, grid: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None, colorbar: bool = True
) -> QuadMesh:
    """The loss surface L(w, b) as a colour map (the wall is the sharp edge)."""
    W, B, L = grid if grid is not None else cliff_grid()
    mesh = ax.pcolormesh(W, B, L, shading="auto", cmap="viridis", rasterized=True)
    if colorbar:
        ax.figure.colorbar(mesh, ax=ax, label="loss L(w, b)", pad=0.02, fraction=0.06)
    ax.set_xlim(*W_RANGE)
    ax.set_ylim(*B_RANGE)
    ax.set_xlabel("w")
    ax.set_ylabel("b")
    return mesh


def _inside(p):
    return W_RANGE[0] <= p[0] <= W_RANGE[1] and B_RANGE[0] <= p[1] <= B_RANGE[1]


def _jump_text(path):
    out = [i for i, p in enumerate(path) if not _inside(p)]
    if not out:
        return ""
    i = out[0]
    return f"update {i}: jumped off the plot\nto (w, b) = ({path[i, 0]:.1f}, {path[i, 1]:.1f})"


def plot_path(
    ax: Axes,
    path: np.ndarray,
    color: str,
    label: str,
    text_y: float = 0.03,
    text_color: str | None = None,
) -> dict[str, Artist]:
    """A gradient-descent path on the cliff; a note says where it left the window.
    Returns {"line", "start", "text"} artists."""
    art = {
        "line": ax.plot(path[:, 0], path[:, 1], "o-", color=color, ms=3, lw=1.5, label=label)[0],
        "start": ax.plot(*path[0], "s", color="white", mec="black", ms=7)[0],
        "text": ax.text(
            0.02,
            text_y,
            _jump_text(path),
            transform=ax.transAxes,
            color=text_color or color,
            fontsize=10,
            fontweight="bold",
            bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=1.5),
        ),
    }
    art["text"].set_visible(bool(art["text"].get_text()))
    art["text"].set_in_layout(False)  # a note inside the axes: no room reserved for it
    return art


def update_path(art: dict[str, Artist], path: np.ndarray) -> None:
    """Move the path drawn by ``plot_path`` and its note to a new path (steps + 1, 2)."""
    art["line"].set_data(path[:, 0], path[:, 1])
    text = _jump_text(path)
    art["text"].set_text(text)
    art["text"].set_visible(bool(text))


def plot_grad_norms(ax: Axes, norms: ArrayLike, color: str, label: str, **kw) -> Line2D:
    """||g|| used by update 1, 2, ... of gradient descent (log scale). Returns the line."""
    line = ax.plot(np.arange(1, len(norms) + 1), norms, color=color, label=label, **kw)[0]
    ax.set_yscale("log")
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set_xlabel("update")
    ax.set_ylabel(r"$\|g\|$ (log scale)")
    return line


def plot_descent(
    grid: tuple[np.ndarray, np.ndarray, np.ndarray],
    free: np.ndarray,
    clipped: np.ndarray,
    n_free: np.ndarray,
    n_clip: np.ndarray,
    threshold: float,
) -> Figure:
    """The cliff with both descent paths (left) and ||g|| per update (right). Returns the figure."""
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(9, 3.5), width_ratios=[1.5, 1])
    plot_cliff(ax, grid)
    plot_path(ax, free, COLORS["y"], "no clipping", text_y=0.18)
    plot_path(ax, clipped, "white", rf"clipped by norm, $\tau$ = {threshold:g}", text_color="black")
    ax.legend(loc="upper right", fontsize=9)
    plot_grad_norms(ax2, n_free, COLORS["y"], "no clipping", lw=4, alpha=0.6)
    plot_grad_norms(ax2, n_clip, COLORS["x"], "clipped")
    ax2.axhline(threshold, ls="--", color=COLORS["bound"], label=r"threshold $\tau$")
    ax2.set_ylim(1e-3, 1e3)
    ax2.set_xlim(0, len(n_free) + 1)
    ax2.legend(loc="upper left", fontsize=9)
    return fig
