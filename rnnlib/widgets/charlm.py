"""Sampling explorer: move the temperature and see the next-character distribution after
a prefix sharpen or flatten, and a text the model writes at that temperature."""

from __future__ import annotations

from collections.abc import Mapping

import ipywidgets as widgets
import numpy as np

from .._validate import check_real, check_seed
from ..engine import forward
from ..text import (
    Vocabulary,
    _check_count,
    _check_model,
    _check_text,
    check_temperature,
    next_char_probabilities,
    one_hot,
    sample,
)
from ..viz.charlm import draw_temperature, update_temperature
from .blit import BlitExplorer

#: the temperature slider's range
TEMPERATURES = (0.2, 1.5)


class SamplingExplorer(BlitExplorer):
    """Left: p(next character | prefix) = softmax(y / temperature), the most likely
    characters. Right: ``n`` characters sampled after the prefix (same seed for every
    temperature, so that only the temperature changes)."""

    figsize = (9.0, 2.6)

    def __init__(
        self,
        params: Mapping[str, np.ndarray],
        vocab: Vocabulary,
        prefix: str = "The ",
        n: int = 200,
        seed: int = 0,
        temperature: float = 1.0,
    ):
        _check_model(params, vocab)
        _check_text(prefix, "prefix")
        n = _check_count(n, "n", 0)
        if seed is not None:
            seed = check_seed(seed)
        self.params, self.vocab, self.prefix, self.n, self.seed = params, vocab, prefix, n, seed
        check_temperature(temperature)
        check_real(temperature, "temperature", low=TEMPERATURES[0], high=TEMPERATURES[1])  # slider
        ids = vocab.encode(prefix)
        dtype = np.asarray(params["W_hh"]).dtype
        self.y = forward(params, one_hot(ids, vocab.V, dtype)).ys[-1]  # logits after the prefix
        slider = widgets.FloatSlider(
            value=temperature,
            min=TEMPERATURES[0],
            max=TEMPERATURES[1],
            step=0.1,
            description="temperature",
            continuous_update=False,
            readout_format=".1f",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="420px"),
        )
        super().__init__({"temperature": slider})

    def _row(self, temperature: float) -> tuple[np.ndarray, str]:
        """p(next | prefix) and the sample at this temperature (the last one is kept: the
        first display asks for the same temperature twice)."""
        if getattr(self, "_last", (None,))[0] != temperature:
            p = next_char_probabilities(self.y, temperature)
            text = sample(self.params, self.vocab, self.prefix, self.n, temperature, seed=self.seed)
            self._last = (temperature, p, text)
        return self._last[1:]

    def draw(self) -> None:
        ax_p, ax_t = self.fig.subplots(1, 2, width_ratios=[1, 2.6])
        temperature = self.controls["temperature"].value
        p, text = self._row(temperature)
        self.art = draw_temperature(ax_p, ax_t, temperature, p, text, self.vocab.chars, self.prefix)
        self.last_sample = text
        # redrawn on each change; the axes, ticks and labels are drawn once (BlitExplorer)
        self.dynamic = [*self.art["bars"], *self.art["labels"], self.art["title"], self.art["text"]]

    def update(self, temperature: float) -> None:
        p, text = self._row(temperature)
        update_temperature(self.art, temperature, p, text, self.vocab.chars, self.prefix)
        self.last_sample = text
