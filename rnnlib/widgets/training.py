"""Learning-rate explorer (notebook 05): move the learning rate, watch training.

Every move re-trains a small RNN from the same initial parameters with plain gradient
descent and redraws its loss curve; the run for the starting rate stays as a grey
reference. Small model, few steps: the runs for all slider positions (a grid of
rates, evenly spaced in log scale) are trained once when the explorer is built, so a
move only redraws the changing artists.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np
from numpy.typing import ArrayLike

from .._validate import (
    as_float_array,
    check_choice,
    check_positive_int,
    check_real,
    check_real_pair,
)
from ..optim import OPTIMIZERS, make_optimizer
from ..params import copy_params, init_params
from ..training import train
from ..viz.style import COLORS
from ..viz.training import clip_curve, split_history
from .blit import BlitExplorer


class LearningRateExplorer(BlitExplorer):
    """Loss curve of ``steps`` gradient steps of ``optimizer`` at the chosen learning rate.

    xs, targets: a many-to-many regression task (e.g. ``rnnlib.sine_next_step``);
    the loss is the mean squared error. ``lr`` is the starting value of the slider,
    whose range is 10^exponents[0] .. 10^exponents[1].
    """

    def __init__(
        self,
        xs: ArrayLike,
        targets: ArrayLike,
        *,
        n_hidden: int = 6,
        steps: int = 100,
        lr: float = 0.1,
        optimizer: str = "sgd",
        seed: int = 0,
        exponents: tuple[float, float] = (-3.0, 1.0),
        step: float = 0.2,
    ):
        xs = as_float_array(xs, "xs", np.float64)
        if xs.ndim != 3:
            raise ValueError(f"xs must have shape (T, B, D), got shape {xs.shape}")
        targets = as_float_array(targets, "targets", np.float64)
        if targets.ndim != 3 or targets.shape[:2] != xs.shape[:2]:
            raise ValueError(
                f"targets must have shape (T, B, O) with T, B = {xs.shape[:2]} from xs, "
                f"got shape {targets.shape}"
            )
        lo, hi = check_real_pair(exponents, "exponents", "(lo, hi)")
        if not lo < hi:
            raise ValueError(f"exponents must have lo < hi, got {(lo, hi)}")
        lr = check_real(lr, "lr", low=0, low_open=True)
        if not lo <= np.log10(lr) <= hi:
            raise ValueError(f"lr must lie in 10^{lo:g}..10^{hi:g}, got {lr!r}")
        check_choice(optimizer, "optimizer", tuple(OPTIMIZERS))
        steps = check_positive_int(steps, "steps")
        step = check_real(step, "step", low=0, low_open=True)
        self.data = (xs, targets)
        self.steps, self.optimizer = steps, optimizer
        self.params0 = init_params(
            xs.shape[2], n_hidden, self.data[1].shape[-1], seed=seed, scheme="xavier"
        )
        # every slider position, trained once here: moving the slider only redraws
        self.rates = 10.0 ** np.round(np.arange(lo, hi + step / 2, step), 10)
        self.histories = [self._train(r) for r in self.rates]
        self.lr0 = self.nearest(lr)
        slider = widgets.FloatLogSlider(
            value=self.lr0,
            base=10,
            min=lo,
            max=hi,
            step=step,
            description="learning rate",
            readout_format=".3g",
            continuous_update=True,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="480px"),
        )
        super().__init__({"lr": slider})
        self.image.layout.max_width = f"{int(self.figsize[0] * self.dpi)}px"  # native size

    def _train(self, lr):
        params = copy_params(self.params0)
        with np.errstate(all="ignore"):  # divergence is shown on purpose
            return train(params, self.data, "mse", make_optimizer(self.optimizer, lr), self.steps)

    def nearest(self, lr: float) -> float:
        """The precomputed rate closest to lr (on a log scale)."""
        return float(self.rates[np.argmin(np.abs(np.log10(self.rates) - np.log10(lr)))])

    def run(self, lr: float) -> dict[str, Any]:
        """The training history at the precomputed rate nearest to lr."""
        return self.histories[int(np.argmin(np.abs(self.rates - self.nearest(lr))))]

    def draw(self) -> None:
        ax = self.ax = self.fig.add_subplot()
        ref, _ = split_history(self.run(self.lr0))
        self.top = 10 * ref[0]
        steps, shown = clip_curve(ref, self.top)
        ax.plot(
            steps,
            shown,
            color=COLORS["bound"],
            lw=1.5,
            ls=":",
            label=f"reference: learning rate {self.lr0:g}",
        )
        (self.line,) = ax.plot([], [], color=COLORS["loss"], label="current learning rate")
        (self.cross,) = ax.plot(
            [], [], "X", color=COLORS["y"], ms=14, mec="black", clip_on=False, zorder=5
        )
        ax.set_yscale("log")
        ax.set_xlim(0, self.steps + 1)
        ax.set_ylim(3e-3 * ref[0], self.top)
        ax.set_xlabel("gradient step")
        ax.set_ylabel("loss (mean squared error)")
        ax.set_title(f"{self.optimizer.upper()} on the same task, the same initial weights")
        legend = ax.legend(loc="lower left")
        self.status = ax.text(
            0.98,
            0.96,
            "",
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=12,
            bbox=dict(boxstyle="round", fc="white", ec="0.8"),
        )
        self.dynamic = [self.line, self.cross, self.status]
        self.overlays = [legend]

    def update(self, lr: float) -> None:
        lr = self.nearest(lr)
        history = self.run(lr)
        losses, stop = split_history(history)
        steps, shown = clip_curve(losses, self.top)
        self.line.set_data(steps, shown)
        if stop is not None or len(steps) < len(losses):  # the curve leaves the plot
            x, y = (steps[-1], shown[-1]) if len(steps) else (1, self.top)
            self.cross.set_data([x], [y])
        else:
            self.cross.set_data([], [])
        if stop is not None:
            # the cross marks where the curve leaves the plot, which may be long before
            # the loss is infinite: say both
            left = f"above the plot from step {steps[-1]}, " if len(steps) <= stop else ""
            text = f"learning rate {lr:.3g}\ndiverged: loss {left}infinite at step {stop + 1}"
        else:
            text = (
                f"learning rate {lr:.3g}\n"
                f"loss {losses[0]:.3g} -> {losses[-1]:.3g} after {len(losses)} steps"
            )
            if losses[-1] > losses[0]:
                text += "\nthe loss grew: diverging"
        self.status.set_text(text)
        self.history = history
