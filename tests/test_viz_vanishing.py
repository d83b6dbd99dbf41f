"""Figures and measurements of notebook 06."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import rnnlib  # noqa: E402
from rnnlib.vanishing import decay_curves, power_norms  # noqa: E402
from rnnlib.viz import vanishing as viz  # noqa: E402


def _setup(scale, dtype=np.float64, T=40):
    p = rnnlib.init_params(2, 8, 1, seed=0, scheme="xavier", radius=scale, dtype=dtype)
    xs = np.random.default_rng(1).normal(size=(T, 2)).astype(dtype)
    return p, xs


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "linear"])
def test_measured_norms_respect_the_bound(activation):
    p, xs = _setup(1.2)
    c = decay_curves(p, xs, activation)
    assert c["jacobian"][0] == 1.0 and c["gradient"][0] == 1.0
    assert np.all(c["jacobian"] <= c["bound"] * (1 + 1e-9))
    assert np.all(c["gradient"] <= c["bound"] * (1 + 1e-9))
    assert c["overflow_step"] is None


def test_gradient_curve_is_bptt_dhs():
    p, xs = _setup(0.8)
    c = decay_curves(p, xs, "tanh", target=0.3)
    trace = rnnlib.forward(p, xs)
    _, dys = rnnlib.mse(trace.ys, np.array([0.3]), mask="last")
    dhs = rnnlib.bptt(p, trace, dys).dhs
    n = np.linalg.norm(dhs, axis=1)
    assert np.allclose(c["gradient"][::-1], n / n[-1])
    assert np.allclose(c["jacobian"][::-1], rnnlib.jacobian_norms(p, trace))


def test_overflow_is_reported_not_raised():
    p, xs = _setup(3.0, dtype=np.float32, T=100)
    with np.errstate(all="raise"):  # decay_curves must silence its own overflow
        c = decay_curves(p, xs, "linear")
    assert c["overflow_step"] is not None and 1 <= c["overflow_step"] <= 100
    assert not np.all(np.isfinite(c["gradient"]))


def test_plot_decay_and_update():
    p, xs = _setup(0.8)
    fig, ax = plt.subplots()
    art = viz.plot_decay(ax, decay_curves(p, xs, "tanh"), title="a")
    assert {"bound", "jacobian", "gradient", "overflow", "status", "legend"} <= set(art)
    assert ax.get_yscale() == "log" and len(ax.lines) >= 4
    p2, xs2 = _setup(3.0, dtype=np.float32, T=100)
    c2 = decay_curves(p2, xs2, "linear")
    viz.update_decay(art, c2, title="b")
    assert "overflow" in art["status"].get_text()
    assert len(art["overflow"].get_xdata()) > 0
    assert art["title"].get_text() == "b"
    plt.close(fig)


def test_eigenvalue_plot_and_power_norms():
    W = np.array([[0.9, 5.0], [0.0, 0.9]])
    fig, (a1, a2) = plt.subplots(1, 2)
    art = viz.plot_eigenvalues(a1, W)
    assert art["points"].get_offsets().shape == (2, 2)
    viz.update_eigenvalues(art, 2 * W)
    assert "1.80" in art["text"].get_text()
    n = power_norms(W, 30)
    assert n[0] == 1.0 and n.max() > 10 and n[-1] < n.max()
    viz.plot_power_norms(a2, {"W": W}, 30)
    assert len(a2.lines) == 2
    plt.close(fig)


def test_power_norms_rejects_bad_input():
    assert power_norms(np.eye(2), 0).tolist() == [1.0]
    with pytest.raises(ValueError, match="square"):
        power_norms(np.ones((2, 3)), 3)
    with pytest.raises(ValueError, match="K must be a non-negative integer"):
        power_norms(np.eye(2), -1)
