"""Tests for rnnlib.widgets.charlm: the sampling explorer follows its temperature slider."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import rnnlib  # noqa: E402
from rnnlib import text as tx  # noqa: E402
from rnnlib.widgets.charlm import TEMPERATURES, SamplingExplorer  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture
def model():
    vocab = tx.Vocabulary.from_text("abracadabra, a cab!\n")
    params = rnnlib.init_params(vocab.V, 16, vocab.V, seed=0, scheme="xavier")
    params["W_hy"] *= 4  # a peaked next-character distribution
    return params, vocab


def test_explorer_follows_the_temperature(model):
    params, vocab = model
    ex = SamplingExplorer(params, vocab, prefix="abra", n=40, temperature=1.0)
    slider = ex.controls["temperature"]
    assert (slider.min, slider.max) == TEMPERATURES == (0.2, 1.5)
    png, text = ex.image.value, ex.last_sample
    assert text == tx.sample(params, vocab, "abra", 40, 1.0, seed=0)
    ex.set(temperature=0.2)
    assert ex.image.value != png and ex.art["title"].get_text() == "temperature 0.2"
    cold = max(bar.get_height() for bar in ex.art["bars"])
    ex.set(temperature=1.5)
    hot = max(bar.get_height() for bar in ex.art["bars"])
    assert cold > hot  # a low temperature sharpens the distribution
    assert ex.last_sample == tx.sample(params, vocab, "abra", 40, 1.5, seed=0)
    heights = [bar.get_height() for bar in ex.art["bars"]]
    assert np.all(np.diff(heights) <= 0) and sum(heights) <= 1 + 1e-9  # most likely first


def test_bad_arguments(model):
    params, vocab = model
    with pytest.raises(ValueError, match="temperature must be a positive finite number"):
        SamplingExplorer(params, vocab, temperature=0.0)
    with pytest.raises(ValueError, match="is not in the vocabulary"):
        SamplingExplorer(params, vocab, prefix="xyz")
