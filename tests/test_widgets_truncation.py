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
    ex = TruncationExplorer(T=12, k1=3)
    assert ex.controls["k1"].description == "truncation length"
    png = ex.image.value
    ex.set(k1=6)
    assert ex.image.value != png
    assert np.array_equal(ex.im.get_array(), reach_matrix(12, 6))
    assert ex.marker.get_xdata()[0] == 6
    ex.set(k1=12)
    assert "exact" in ex.text.get_text()
    with pytest.raises(ValueError):
        ex.set(length=3)


def test_status_reads_well_at_both_ends():
    ex = TruncationExplorer(T=12, k1=3)
    ex.set(k1=1)
    assert ex.text.get_text().startswith("detach every step:")  # not "every 1 steps"
    ex.set(k1=2)
    assert ex.text.get_text().startswith("detach every 2 steps:")


def test_the_marker_at_k_equal_T_leaves_its_label_readable():
    ex = TruncationExplorer(T=40, k1=40)
    renderer = ex.fig.canvas.get_renderer()
    label = next(t for t in ex.fig.axes[1].texts if t.get_text().startswith("0 at"))
    marker = ex.marker.get_window_extent(renderer)
    assert not label.get_window_extent(renderer).overlaps(marker)


def test_error_axis_labels_powers_of_ten_as_elsewhere():
    ex = TruncationExplorer(T=12, k1=3)
    labels = [t.get_text() for t in ex.fig.axes[1].get_yticklabels()]
    assert labels and all(label.startswith("$\\mathdefault{10^{") for label in labels), labels
