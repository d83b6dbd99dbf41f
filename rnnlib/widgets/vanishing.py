"""Explorer of notebook 06: how far back does the gradient reach?

Controls: "T" (sequence length), "W_hh scale" (W_hh = scale * W_0 with rho(W_0) = 1,
so the scale is the spectral radius) and "activation". Left: ||dh_T/dh_k|| and
||dL/dh_k|| / ||dL/dh_T|| against T - k with the bound (gamma sigma_max)^(T-k);
right: the eigenvalues of W_hh and the unit circle.

The network runs in float32, the precision of GPU training (largest number 3.4e38),
so that an exploding ReLU network really overflows at T <= 100; the explorer then
says so on the figure instead of failing.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np

from .._validate import (
    check_choice,
    check_float_dtype,
    check_int_in,
    check_positive_int,
    check_real,
)
from ..params import init_params
from ..vanishing import decay_curves
from ..viz import vanishing as viz
from .blit import BlitExplorer

ACTIVATIONS = ("tanh", "sigmoid", "relu", "linear")


class VanishingExplorer(BlitExplorer):
    """Sliders "T" and "W_hh scale", dropdown "activation"; the figure follows."""

    figsize = (8.0, 4.0)

    def __init__(
        self,
        T: int = 50,
        scale: float = 1.0,
        activation: str = "tanh",
        *,
        n_hidden: int = 16,
        n_in: int = 2,
        seed: int = 0,
        T_max: int = 100,
        dtype: type[np.floating] = np.float32,
    ):
        T_max = check_int_in(T_max, "T_max", 5)
        T = check_int_in(T, "T", 5, T_max)  # the sliders' ranges
        scale = check_real(scale, "scale", low=0.1, high=3.0)
        check_choice(activation, "activation", ACTIVATIONS)
        n_in = check_positive_int(n_in, "n_in")
        dtype = check_float_dtype(dtype)
        self.T_max = T_max
        base = init_params(n_in, n_hidden, 1, seed=seed, scheme="xavier", radius=1.0)
        self.base = {k: v.astype(dtype) for k, v in base.items()}
        self.eig0 = np.linalg.eigvals(base["W_hh"])  # eigenvalues scale with W_hh
        rng = np.random.default_rng(seed + 1)
        self.xs_all = rng.normal(size=(T_max, n_in)).astype(dtype)
        style = {"description_width": "initial"}
        controls = {
            "T": widgets.IntSlider(
                value=T,
                min=5,
                max=T_max,
                step=5,
                description="T",
                continuous_update=False,
                style=style,
            ),
            "scale": widgets.FloatSlider(
                value=scale,
                min=0.1,
                max=3.0,
                step=0.1,
                description="W_hh scale",
                continuous_update=False,
                style=style,
            ),
            "activation": widgets.Dropdown(
                options=ACTIVATIONS, value=activation, description="activation", style=style
            ),
        }
        super().__init__(controls)

    def params(self, scale: float) -> dict[str, np.ndarray]:
        """The network with W_hh = scale * W_0 (rho(W_0) = 1), in the explorer's dtype."""
        p = dict(self.base)
        p["W_hh"] = (scale * self.base["W_hh"]).astype(self.base["W_hh"].dtype)
        return p

    def curves(self, T: int, scale: float, activation: str) -> dict[str, Any]:
        """rnnlib.vanishing.decay_curves of that network on the first T inputs."""
        return decay_curves(self.params(scale), self.xs_all[:T], activation)

    def draw(self) -> None:
        gs = self.fig.add_gridspec(1, 2, width_ratios=[1.75, 1])
        self.ax_decay = self.fig.add_subplot(gs[0])
        self.ax_eig = self.fig.add_subplot(gs[1])
        v = self.values()
        p = self.params(v["scale"])
        a = self.art_decay = viz.plot_decay(
            self.ax_decay, self.curves(**v), xmax=self.T_max, legend="below"
        )
        e = self.art_eig = viz.plot_eigenvalues(self.ax_eig, p["W_hh"], v["activation"], lim=3.3)
        self.ax_eig.set_title(r"eigenvalues of $W_{hh}$")
        self.dynamic = [
            a["bound"],
            a["jacobian"],
            a["gradient"],
            a["overflow"],
            a["status"],
            a["title"],
            e["points"],
            e["text"],
        ]

    def update(self, T: int, scale: float, activation: str) -> None:
        self.last_curves = self.curves(T, scale, activation)
        title = f"{activation}, W_hh scale {scale:.1f}, T = {T}"
        viz.update_decay(self.art_decay, self.last_curves, title=title, rescale=False)
        viz.update_eigenvalues(
            self.art_eig, self.params(scale)["W_hh"], activation, eigenvalues=scale * self.eig0
        )
