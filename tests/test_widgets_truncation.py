"""Tests for rnnlib.widgets.truncation: the explorer follows set()."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlib.truncation import reach_matrix  # noqa: E402
from rnnlib.widgets.truncation import TruncationExplorer  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


# --- explorer ---------------------------------------------------------------------------
def test_explorer_updates_when_set():
    ex = TruncationExplorer(T=12, k=3)
    assert ex.controls["k"].description == "truncation length"
    png = ex.image.value
    ex.set(k=6)
    assert ex.image.value != png
    assert np.array_equal(ex.im.get_array(), reach_matrix(12, 6))
    assert ex.marker.get_xdata()[0] == 6
    ex.set(k=12)
    assert "exact" in ex.text.get_text()
    with pytest.raises(ValueError):
        ex.set(length=3)
