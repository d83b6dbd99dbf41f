"""Figures of notebook 07."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from rnnlib.cliff import cliff_grid, descend  # noqa: E402
from rnnlib.viz import clipping as viz  # noqa: E402


def test_clip_2d_keeps_norm_direction_and_turns_value():
    fig, ax = plt.subplots()
    by_norm, by_value = viz.plot_clip_2d(ax, [9.0, 3.0], threshold=5.0, limit=5.0)
    assert np.linalg.norm(by_norm) == 5.0 or np.isclose(np.linalg.norm(by_norm), 5.0)
    assert np.isclose(by_norm[1] / by_norm[0], 3.0 / 9.0)
    assert np.allclose(by_value, [5.0, 3.0])
    assert len(ax.texts) + len(ax.patches) >= 3 and ax.get_legend() is not None
    plt.close(fig)


def test_cliff_surface_and_paths():
    W, B, L = cliff_grid(40)
    assert L.shape == (40, 40) and L.min() < 0.05 and L.max() > 0.4
    fig, ax = plt.subplots()
    viz.plot_cliff(ax, (W, B, L))
    path, _ = descend(6.0, -3.6, 1.0, 80)
    art = viz.plot_path(ax, path, "red", "free")
    assert "jumped off the plot" in art["text"].get_text()
    inside, _ = descend(6.0, -3.6, 1.0, 80, clip=0.5)
    viz.update_path(art, inside)
    assert not art["text"].get_visible()
    assert len(art["line"].get_xdata()) == 81
    plt.close(fig)
