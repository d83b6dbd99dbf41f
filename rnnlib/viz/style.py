"""One look for every figure: large fonts readable on a 1280x720 projector,
one colour per quantity, no chart junk."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Annotation

#: one colour per quantity, used consistently across notebooks
COLORS = {
    "x": "#4C72B0",  # inputs
    "h": "#55A868",  # hidden states
    "y": "#C44E52",  # outputs
    "loss": "#8172B2",
    "grad": "#DD8452",  # gradients flowing backwards
    "bound": "#777777",  # theoretical bounds / references
    "W_xh": "#4C72B0",
    "W_hh": "#55A868",
    "b_h": "#64B5CD",
    "W_hy": "#C44E52",
    "b_y": "#CCB974",
}

STYLE = {
    "figure.figsize": (8.0, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 13,
    "axes.titlesize": 14,
    "axes.labelsize": 13,
    "legend.fontsize": 11,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "lines.linewidth": 2.0,
    "figure.constrained_layout.use": True,
}


def use_course_style() -> None:
    """Apply the course's matplotlib defaults (call once at the top of a notebook)."""
    mpl.rcParams.update(STYLE)


def axes_or_new(ax: Axes | None, figsize: tuple[float, float] = (8.0, 4.0)) -> tuple[Figure, Axes]:
    """(figure, axes) to draw on: ax and its figure, or a new figure of figsize with one axes."""
    if ax is None:
        return plt.subplots(figsize=figsize)
    return ax.figure, ax


def redrawable_title(ax: Axes, text: str = "", fontsize: float | None = None) -> Annotation:
    """A title that an explorer can redraw alone: an annotation in the title's place (the
    axes' own title is left blank to keep its room), centred 6 points above the axes."""
    ax.set_title(" ")
    return ax.annotate(
        text,
        xy=(0.5, 1.0),
        xycoords="axes fraction",
        xytext=(0, 6),
        textcoords="offset points",
        ha="center",
        va="baseline",
        fontsize=mpl.rcParams["axes.titlesize"] if fontsize is None else fontsize,
    )
