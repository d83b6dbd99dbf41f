"""Truncation explorer: move the truncation length k1 (k2 = k1, the hidden state is
detached every k1 steps) and see which losses still reach which steps, and how far the
truncated gradient is from the full one."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.ticker import FixedLocator, LogFormatterSciNotation, NullLocator

from .._validate import check_int_in, check_positive_int
from ..data import sine_next_step
from ..engine import forward
from ..losses import mse
from ..params import init_params
from ..truncation import reach_matrix, truncation_errors
from ..viz.style import COLORS
from .blit import BlitExplorer

#: errors below this (0 at k1 >= T) are drawn at this height of the log axis
FLOOR = 1e-7


class TruncationExplorer(BlitExplorer):
    """Left: the reach matrix of BPTT(k1; k1). Right: relative error of the truncated
    gradient against full BPTT for every k1, with the current k1 marked."""

    def __init__(self, T: int = 40, n_hidden: int = 16, seed: int = 0, k1: int = 5):
        T = check_positive_int(T, "T")
        k1 = check_int_in(k1, "k1", 1, T)  # the slider's range
        self.T = T
        self.params = init_params(
            1, n_hidden, 1, seed=seed, scheme="orthogonal", radius=0.95, scale=0.5
        )
        xs, targets = sine_next_step(T, 1, seed=seed)
        trace = forward(self.params, xs)
        _, dys = mse(trace.ys, targets)
        self.ks = np.arange(1, T + 1)
        self.errors = truncation_errors(self.params, trace, dys, self.ks)
        slider = widgets.IntSlider(
            value=k1,
            min=1,
            max=T,
            step=1,
            description="truncation length",
            continuous_update=False,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="420px"),
        )
        super().__init__({"k1": slider})

    def draw(self) -> None:
        ax1, ax2 = self.fig.subplots(1, 2, width_ratios=[1, 1.3])
        cmap = ListedColormap(["white", COLORS["grad"]])
        T = self.T
        self.im = ax1.imshow(
            reach_matrix(T, T),
            cmap=cmap,
            vmin=0,
            vmax=1,
            interpolation="nearest",
            extent=(0.5, T + 0.5, T + 0.5, 0.5),
        )
        ax1.set(xlabel="parameter use at step s", ylabel="loss at step u")
        ax1.set_title("who reaches whom", fontsize=12)
        ax1.grid(False)
        ticks = [1] + list(range(10, T + 1, 10))
        ax1.set_xticks(ticks)
        ax1.set_yticks(ticks)
        ax2.semilogy(self.ks, np.maximum(self.errors, FLOOR), "-", color=COLORS["grad"])
        (self.marker,) = ax2.semilogy([1], [1.0], "o", ms=10, color=COLORS["loss"])
        ax2.set(xlabel="truncation length $k_1 = k_2$", ylabel="relative error vs full")
        ax2.set_ylim(FLOOR / 2, 2.0)
        # left of the point k1 = T, clear of the marker that sits there when k1 = T
        ax2.annotate(
            "0 at k\u2081 = T",
            xy=(T, FLOOR),
            xytext=(-12, 0),
            textcoords="offset points",
            ha="right",
            va="center",
            fontsize=11,
        )
        # powers of ten as elsewhere in the course (the axes are drawn once, so the
        # typeset labels cost nothing when the slider moves)
        ax2.yaxis.set_major_locator(FixedLocator([1e-6, 1e-4, 1e-2, 1.0]))
        ax2.yaxis.set_major_formatter(LogFormatterSciNotation())
        ax2.yaxis.set_minor_locator(NullLocator())
        self.text = ax2.text(0.97, 0.95, "", transform=ax2.transAxes, ha="right", va="top")
        self.dynamic = [self.im, self.marker, self.text]  # redrawn on each change (blitting)

    def update(self, k1: int) -> None:
        self.im.set_data(reach_matrix(self.T, int(k1)))
        err = self.errors[int(k1) - 1]
        self.marker.set_data([k1], [max(err, FLOOR)])
        every = "every step" if k1 == 1 else f"every {k1} steps"
        self.text.set_text(
            f"detach {every}: error {err:.2g}" if err > 0 else f"k1\u2081 = {k1} \u2265 T: exact"
        )
