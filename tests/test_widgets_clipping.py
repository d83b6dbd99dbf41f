"""The cliff explorer of notebook 07 follows its threshold slider."""

import numpy as np

from rnnlib.widgets.clipping import ClippingExplorer


def test_threshold_moves_the_path():
    e = ClippingExplorer(threshold=0.5)
    img = e.image.value
    small = e.path.copy()
    e.set(threshold=100.0)
    assert e.image.value != img
    assert not np.allclose(small, e.path)
    assert "jumped off the plot" in e.art["text"].get_text()  # no clipping in effect
    assert e.threshold_line.get_ydata()[0] == 100.0
    e.set(threshold=0.5)
    assert np.allclose(small, e.path) and not e.art["text"].get_visible()
    assert "final loss" in e.title.get_text()


def test_control_description():
    e = ClippingExplorer()
    assert list(e.controls) == ["threshold"]
    assert e.controls["threshold"].description == "clipping threshold"
