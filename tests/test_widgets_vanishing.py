"""The explorer of notebook 06 redraws when its controls move, also at the extremes."""

import warnings

import numpy as np

from rnnlib.widgets.vanishing import VanishingExplorer


def test_set_updates_curves_and_image():
    e = VanishingExplorer(T=20)
    png = e.image.value
    first = e.art_decay["jacobian"].get_ydata().copy()
    e.set(scale=2.0, activation="linear")
    assert e.image.value != png
    assert not np.array_equal(first, e.art_decay["jacobian"].get_ydata())
    assert "linear" in e.art_decay["title"].get_text()


def test_relu_explodes_visibly_without_warnings():
    e = VanishingExplorer()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        e.set(T=100, scale=3.0, activation="relu")
    assert e.last_curves["overflow_step"] is not None
    assert "gradient exploded" in e.art_decay["status"].get_text()
    assert len(e.art_decay["overflow"].get_xdata()) > 0


def test_sigmoid_vanishes_visibly():
    e = VanishingExplorer()
    e.set(T=100, scale=0.5, activation="sigmoid")
    assert "vanished" in e.art_decay["status"].get_text()
    e.set(scale=1.0, activation="tanh", T=30)
    assert e.art_decay["status"].get_text() == ""


def test_controls_have_descriptions():
    e = VanishingExplorer()
    assert list(e.controls) == ["T", "scale", "activation"]
    assert [c.description for c in e.controls.values()] == ["T", "W_hh scale", "activation"]
