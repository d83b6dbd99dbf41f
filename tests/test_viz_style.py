"""The figures' shared helper: one way to get the axes a plot function draws on."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from rnnlib.viz.style import axes_or_new  # noqa: E402


def test_axes_or_new_draws_on_the_given_axes_or_a_new_figure():
    fig, ax = axes_or_new(None, figsize=(5, 2))
    assert tuple(fig.get_size_inches()) == (5, 2) and fig.axes == [ax]
    other, (a1, a2) = plt.subplots(1, 2)
    assert axes_or_new(a2) == (other, a2)
    plt.close("all")
