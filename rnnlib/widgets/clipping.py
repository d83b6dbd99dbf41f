"""Explorer of notebook 07: gradient descent on the cliff, with a clipping threshold.

Left: the loss surface of the one-unit RNN x_t = w sigma(x_{t-1}) + b (rnnlib.cliff),
the path without clipping (red, fixed) and the path clipped by norm at the chosen
threshold (white). Right: ||g|| at each step for both, and the threshold.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .._validate import check_real, check_real_pair
from ..cliff import cliff_loss, descend
from ..viz import clipping as viz
from ..viz.style import COLORS, redrawable_title
from .blit import BlitExplorer

#: the descent shown in the notebook: start, learning rate, number of steps
START = (6.0, -3.6)
LR = 1.0
STEPS = 80


class ClippingExplorer(BlitExplorer):
    """Slider "clipping threshold" (log scale); the clipped path follows."""

    figsize = (9.0, 3.5)
    image_format = "jpeg"  # a colour map: JPEG encodes ten times faster than PNG

    def __init__(
        self,
        threshold: float = 0.5,
        *,
        start: tuple[float, float] = START,
        lr: float = LR,
        steps: int = STEPS,
    ):
        threshold = check_real(threshold, "threshold", low=1e-2, high=1e2)  # the slider's range
        start = check_real_pair(start, "start", "(w0, b0)")
        self.start, self.lr, self.steps = start, lr, steps
        self.free_path, self.free_norms = descend(*start, lr, steps)
        controls = {
            "threshold": widgets.FloatLogSlider(
                value=threshold,
                base=10,
                min=-2,
                max=2,
                step=0.1,
                description="clipping threshold",
                continuous_update=False,
                style={"description_width": "initial"},
                layout=widgets.Layout(width="420px"),
            ),
        }
        super().__init__(controls)

    def draw(self) -> None:
        gs = self.fig.add_gridspec(1, 2, width_ratios=[1.5, 1])
        self.ax_cliff = self.fig.add_subplot(gs[0])
        self.ax_norm = self.fig.add_subplot(gs[1])
        viz.plot_cliff(self.ax_cliff)
        free = viz.plot_path(self.ax_cliff, self.free_path, COLORS["y"], "no clipping", text_y=0.18)
        path, norms = self.compute(self.controls["threshold"].value)
        self.art = viz.plot_path(
            self.ax_cliff, path, "white", "clipped by norm", text_color="black"
        )
        self.ax_cliff.legend(loc="upper right", fontsize=9)
        viz.plot_grad_norms(
            self.ax_norm, self.free_norms, COLORS["y"], "no clipping", lw=4, alpha=0.6
        )
        self.norm_line = viz.plot_grad_norms(self.ax_norm, norms, COLORS["x"], "clipped")
        self.threshold_line = self.ax_norm.axhline(
            1.0, ls="--", color=COLORS["bound"], label="threshold $\\tau$"
        )
        self.ax_norm.set_ylim(1e-3, 1e3)
        self.ax_norm.set_xlim(0, self.steps + 1)
        legend = self.ax_norm.legend(loc="upper left", fontsize=9)
        self.title = redrawable_title(self.ax_cliff, fontsize=13)
        self.dynamic = [
            self.art["line"],
            self.art["text"],
            self.norm_line,
            self.threshold_line,
            self.title,
        ]
        self.overlays = [legend, self.ax_cliff.get_legend(), free["start"]]

    def compute(self, threshold: float) -> tuple[np.ndarray, np.ndarray]:
        """(path (steps + 1, 2), ||g|| (steps,)) of the descent clipped by norm at threshold."""
        return descend(*self.start, self.lr, self.steps, clip=threshold)

    def update(self, threshold: float) -> None:
        self.path, self.norms = self.compute(threshold)
        viz.update_path(self.art, self.path)
        self.norm_line.set_data(np.arange(1, self.steps + 1), self.norms)
        self.threshold_line.set_ydata([threshold, threshold])
        final = cliff_loss(*self.path[-1])
        self.title.set_text(f"$\\tau$ = {threshold:.3g}: final loss {final:.3f}")
