"""Figures of notebook 06: how the gradient shrinks or grows with the distance T - k.

The curves drawn here are measured by ``rnnlib.vanishing.decay_curves`` and
``rnnlib.vanishing.power_norms`` (the quantities and the bound are defined there).

Every ``plot_*`` function draws on an axes and returns a dict of its artists; the
matching ``update_*`` function changes those artists in place (used by the explorer).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator
from numpy.typing import ArrayLike

from ..activations import GAMMA
from ..params import sigma_max, spectral_radius
from ..vanishing import power_norms
from .style import COLORS, redrawable_title

#: the log-scale window of the decay plot: from just below the smallest float32 (1.4e-45,
#: subnormal), so that a curve stays on the axes until it is exactly 0 (where the figure
#: says the gradient underflowed), to above the largest float32 (3.4e38), where values
#: that overflowed are marked
FLOOR = 1e-46
CEILING = float(np.finfo(np.float32).max)  # 3.4e38, the largest float32


def _window(values):
    """Values for the log plot: overflowed (non-finite or above CEILING) -> CEILING,
    exact zeros (underflow) -> NaN, which matplotlib leaves out."""
    v = np.where(np.isfinite(values), values, CEILING)
    v = np.minimum(v, CEILING)
    return np.where(v > 0, v, np.nan)


def _overflowed(curves):
    """(distances, CEILING) of the points of the gradient curve that overflowed."""
    bad = ~np.isfinite(curves["gradient"])
    return curves["distance"][bad], np.full(int(bad.sum()), CEILING)


def _status(curves):
    if curves["overflow_step"] is not None:
        step = curves["overflow_step"]
        return f"overflow (\u00d7 = inf) at step t = {step}: gradient exploded", COLORS["y"]
    if curves["vanish_distance"] is not None:
        return (
            f"underflow: gradient = 0 from T - k = {curves['vanish_distance']} on: vanished",
            COLORS["x"],
        )
    return "", "black"


def plot_decay(
    ax: Axes,
    curves: Mapping[str, Any],
    title: str | None = None,
    xmax: int | None = None,
    ceiling: bool = True,
    legend: bool | str = True,
) -> dict[str, Artist | None]:
    """Log-scale norms against the distance T - k, with the bound. Returns the artists.

    xmax: fixed right end of the x axis (default: T); ceiling: draw the float32 limit;
    legend: True (inside, lower right), "below" (under the axes, where no curve runs)
    or False."""
    d = curves["distance"]
    art = {
        "bound": ax.plot(
            d,
            np.minimum(curves["bound"], 1e300),
            "--",
            color=COLORS["bound"],
            label=r"bound $(\gamma\,\sigma_{max})^{T-k}$",
        )[0],
        "jacobian": ax.plot(
            d,
            _window(curves["jacobian"]),
            color=COLORS["h"],
            label=r"$\|\partial h_T/\partial h_k\|$",
        )[0],
        "gradient": ax.plot(
            d,
            _window(curves["gradient"]),
            ":",
            color=COLORS["grad"],
            lw=3,
            label=r"$\|\partial L/\partial h_k\| \,/\, \|\partial L/\partial h_T\|$",
        )[0],
        "overflow": ax.plot(
            *_overflowed(curves),
            "x",
            color=COLORS["y"],
            ms=6,
            mew=1.5,
            label="_nolegend_",  # the status text says what the crosses are
        )[0],
    }
    if ceiling:
        # named in the legend, not by a label on the line: crosses and curves run there
        art["ceiling"] = ax.axhline(
            CEILING, color=COLORS["y"], lw=1, alpha=0.6, label="largest float32 (3.4e38)"
        )
    ax.set_yscale("log")
    ax.set_ylim(FLOOR, 1e52)
    ax.set_yticks([10.0**e for e in range(-40, 41, 10)])
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set_xlim(0, xmax or max(d[-1], 1))
    ax.set_xlabel("distance T - k (steps back in time)")
    ax.set_ylabel("norm (log scale)")
    if legend == "below":
        art["legend"] = ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.2),
            ncols=2,
            fontsize=10,
            frameon=False,
            handlelength=2.5,
        )
    else:
        art["legend"] = ax.legend(loc="lower right", fontsize=10) if legend else None
    text, color = _status(curves)
    # on a white box: the curves and the bound may run through the top of the axes
    art["status"] = ax.text(
        0.5,
        0.98,
        text,
        transform=ax.transAxes,
        va="top",
        ha="center",
        color=color,
        fontsize=11,
        fontweight="bold",
        zorder=5,
        bbox=dict(facecolor="white", edgecolor="none", alpha=0.9, pad=2),
    )
    art["title"] = redrawable_title(ax, title or "")
    return art


def update_decay(
    art: dict[str, Artist | None],
    curves: Mapping[str, Any],
    title: str | None = None,
    rescale: bool = True,
) -> None:
    """Put new curves into the artists made by ``plot_decay`` (rescale: fit the x axis to T)."""
    d = curves["distance"]
    art["bound"].set_data(d, np.minimum(curves["bound"], 1e300))
    for name in ("jacobian", "gradient"):
        art[name].set_data(d, _window(curves[name]))
    art["overflow"].set_data(*_overflowed(curves))
    if rescale:
        art["jacobian"].axes.set_xlim(0, max(d[-1], 1))
    text, color = _status(curves)
    art["status"].set_text(text)
    art["status"].set_color(color)
    if title is not None:
        art["title"].set_text(title)


def _eig_text(W_hh, activation):
    # plain unicode, no mathtext: this text changes at every update and must be fast
    return (
        f"\u03c1 = {spectral_radius(W_hh):.2f}\n"
        f"\u03c3_max = {sigma_max(W_hh):.2f}\n"
        f"\u03b3 = {GAMMA[activation]:g}"
    )


def plot_eigenvalues(
    ax: Axes, W_hh: ArrayLike, activation: str = "tanh", lim: float | None = None
) -> dict[str, Artist]:
    """Eigenvalues of W_hh in the complex plane with the unit circle. Returns the artists."""
    ev = np.linalg.eigvals(np.asarray(W_hh, dtype=float))
    theta = np.linspace(0, 2 * np.pi, 200)
    ax.plot(np.cos(theta), np.sin(theta), color=COLORS["bound"], lw=1.5, label="unit circle")
    art = {
        "points": ax.scatter(
            ev.real, ev.imag, s=22, color=COLORS["W_hh"], zorder=3, label=r"eigenvalues of $W_{hh}$"
        )
    }
    lim = lim or max(1.2, 1.1 * np.abs(ev).max())
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_xlabel("real part")
    ax.set_ylabel("imaginary part")
    art["text"] = ax.text(
        0.03,
        0.97,
        _eig_text(W_hh, activation),
        transform=ax.transAxes,
        va="top",
        ha="left",
        fontsize=10,
        zorder=4,
        bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=1.5),
    )
    return art


def update_eigenvalues(
    art: dict[str, Artist],
    W_hh: np.ndarray,
    activation: str = "tanh",
    eigenvalues: np.ndarray | None = None,
) -> None:
    """Move the eigenvalue points (pass ``eigenvalues`` to skip recomputing them)."""
    ev = np.linalg.eigvals(W_hh) if eigenvalues is None else eigenvalues
    art["points"].set_offsets(np.column_stack([ev.real, ev.imag]))
    art["text"].set_text(_eig_text(W_hh, activation))


def plot_power_norms(
    ax: Axes,
    matrices: Mapping[str, ArrayLike],
    K: int,
    gradients: Mapping[str, ArrayLike] | None = None,
) -> Axes:
    """||W^(T-k)|| against the distance T - k = 0..K for each labelled matrix {label: W}
    (for a linear RNN, dh_T/dh_k = W_hh^(T-k)), with rho(W)^(T-k) dashed; optional
    measured gradient-norm curves {label: array indexed by T - k}. Log y axis. Returns
    the axes."""
    colors = [COLORS["y"], COLORS["x"], COLORS["h"]]
    d = np.arange(K + 1)
    for (label, W), c in zip(matrices.items(), colors, strict=False):
        ax.plot(d, power_norms(W, K), color=c, label=rf"$\|W^{{T-k}}\|$, {label}")
        rho = spectral_radius(W)
        ax.plot(d, rho**d, "--", color=c, lw=1, label=rf"$\rho^{{T-k}}$, $\rho$ = {rho:.2f}")
    for (label, g), c in zip((gradients or {}).items(), colors, strict=False):
        ax.plot(np.arange(len(g)), g, "o", ms=3, color=c, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("distance T - k (number of factors)")
    ax.set_ylabel("norm (log scale)")
    ax.legend(fontsize=9, loc="lower left")
    return ax


def plot_contributions(
    ax: Axes, norms: ArrayLike, label: str = r"$\|\partial L/\partial W_{hh}$ at time $t\|$"
) -> Axes:
    """Bar chart of the per-step contribution norms (index t - 1 -> step t), log scale.
    Exactly zero terms (e.g. t = 1 when h_0 = 0) get no bar."""
    norms = np.asarray(norms, dtype=float)
    t = np.arange(1, len(norms) + 1)
    keep = norms > 0
    ax.bar(t[keep], norms[keep], color=COLORS["W_hh"], label=label)
    ax.set_yscale("log")
    ax.set_xlim(0, len(norms) + 1)
    ax.set_xlabel("time step t")
    ax.set_ylabel("norm (log scale)")
    ax.legend(loc="upper left")
    return ax


def plot_decay_panels(
    curves_by_title: Mapping[str, Mapping[str, Any]], ylim: tuple[float, float] = (1e-30, 1e30)
) -> Figure:
    """One ``plot_decay`` panel per entry {title: decay_curves(...)}, side by side, shared
    log y axis (float64 networks: no float32 ceiling). Returns the figure."""
    n = len(curves_by_title)
    fig, axes = plt.subplots(1, n, figsize=(9, 3.5), sharey=True, squeeze=False)
    for i, (ax, (title, curves)) in enumerate(zip(axes[0], curves_by_title.items(), strict=True)):
        plot_decay(ax, curves, title=title, ceiling=False, legend=i == 0)
        ax.set_ylim(*ylim)
        if i:
            ax.set_ylabel("")
    return fig


def plot_eigenvalue_panels(matrices: Mapping[str, ArrayLike], lim: float = 1.5) -> Figure:
    """Eigenvalues and unit circle for each {title: W_hh}, side by side. Returns the figure."""
    fig, axes = plt.subplots(1, len(matrices), figsize=(8, 4), squeeze=False)
    for ax, (title, W) in zip(axes[0], matrices.items(), strict=True):
        plot_eigenvalues(ax, W, lim=lim)
        ax.set_title(title)
    axes[0, 0].legend(loc="lower right", fontsize=9)
    return fig


def plot_saturation(
    z: ArrayLike,
    derivatives: Mapping[str, ArrayLike],
    samples: Mapping[str, ArrayLike],
    gamma: Mapping[str, float] | None = None,
) -> Figure:
    """Saturation in two panels. Left: f'(z) against z for each activation
    {name: f'(z) values on the grid z}, with gamma = max |f'| dotted (gamma: {name: value}).
    Right: the share of the values f'(z_t) (all steps t and units) in each bin of [0, 1],
    one step histogram per {label: array of f'(z_t) values}. Returns the figure."""
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(9, 3.2), width_ratios=[1, 1.2])
    colors = [COLORS["h"], COLORS["loss"], COLORS["grad"], COLORS["x"]]
    for (name, df), c in zip(derivatives.items(), colors, strict=False):
        ax.plot(z, df, color=c, lw=2.5, label=f"{name}'(z)")
        if gamma and name in gamma:
            ax.axhline(gamma[name], color=c, ls=":", lw=1.2)
            ax.annotate(
                rf"$\gamma$ = {gamma[name]:g}",
                (z[0], gamma[name]),
                (4, 3),
                textcoords="offset points",
                color=c,
                fontsize=10,
            )
    ax.set_xlabel("pre-activation $z$")
    ax.set_ylabel("$f'(z)$")
    ax.set_ylim(0, 1.12)
    ax.set_xlim(z[0], z[-1])
    ax.legend(loc="center right", fontsize=10)
    ax.set_title("the derivative dies away from 0")
    bins = np.linspace(0, 1, 21)
    for (label, values), c in zip(samples.items(), colors[1:] + colors[:1], strict=False):
        v = np.ravel(values)
        ax2.hist(
            v,
            bins=bins,
            weights=np.full(v.size, 1 / v.size),
            histtype="step",
            lw=2.2,
            color=c,
            label=label,
        )
    ax2.set_xlabel("$f'(z_{t,i})$, every step $t$ and unit $i$")
    ax2.set_ylabel("share of values")
    ax2.set_xlim(0, 1)
    ax2.legend(loc="upper center", fontsize=10)
    ax2.set_title("measured along a sequence")
    return fig
