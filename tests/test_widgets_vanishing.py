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


def _extent(artist, fig):
    return artist.get_window_extent(fig.canvas.get_renderer())


def test_legend_sits_below_the_axes_where_no_curve_runs():
    e = VanishingExplorer()
    e.set(T=100, scale=3.0, activation="sigmoid")  # curves reach the lower right corner
    legend, axes = _extent(e.art_decay["legend"], e.fig), e.ax_decay.get_window_extent()
    assert legend.y1 < axes.y0  # wholly under the plotting area
    labels = [t.get_text() for t in e.art_decay["legend"].get_texts()]
    assert not [label for label in labels if "overflow" in label]  # said by the status text


def test_overflow_is_named_only_when_something_overflowed():
    e = VanishingExplorer()
    e.set(T=100, scale=0.5, activation="tanh")
    assert "overflow" not in e.art_decay["status"].get_text()
    assert len(e.art_decay["overflow"].get_xdata()) == 0
    e.set(scale=3.0, activation="relu")
    assert "overflow (\u00d7 = inf)" in e.art_decay["status"].get_text()


def test_status_text_is_on_a_box_that_hides_lines_behind_it():
    e = VanishingExplorer()
    e.set(T=100, scale=3.0, activation="relu")  # the bound climbs through the top
    patch = e.art_decay["status"].get_bbox_patch()
    assert patch is not None and patch.get_facecolor()[:3] == (1.0, 1.0, 1.0)
    assert patch.get_alpha() >= 0.9


def test_a_curve_stays_on_the_axes_until_it_underflows_to_zero():
    """The figure says where the gradient became 0; the drawn curve must reach that far."""
    e = VanishingExplorer()
    for activation in ("relu", "tanh", "sigmoid", "linear"):
        e.set(T=100, scale=0.1, activation=activation)
        zero_from = e.last_curves["vanish_distance"]
        assert zero_from is not None
        assert f"T - k = {zero_from} on" in e.art_decay["status"].get_text()
        d = e.art_decay["gradient"].get_xdata()
        g = e.art_decay["gradient"].get_ydata()
        shown = d[np.isfinite(g) & (g >= e.ax_decay.get_ylim()[0])]
        assert shown.max() == zero_from - 1, (activation, shown.max(), zero_from)


def test_the_float32_limit_is_named_in_the_legend_not_on_its_line():
    """The overflow crosses and rising curves run along the limit: a label written on the
    line was covered by them (and by the status text's box)."""
    e = VanishingExplorer()
    e.set(T=100, scale=3.0, activation="relu")
    labels = [t.get_text() for t in e.art_decay["legend"].get_texts()]
    assert "largest float32 (3.4e38)" in labels
    assert e.art_decay["ceiling"].get_ydata()[0] == np.finfo(np.float32).max
    on_axes = [t.get_text() for t in e.ax_decay.texts if t is not e.art_decay["status"]]
    assert not [t for t in on_axes if "float32" in t], on_axes
