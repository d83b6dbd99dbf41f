import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlib.viz.losses import plot_loss_and_gradient, plot_output_activations  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_output_activations_has_two_panels_with_curves():
    fig = plot_output_activations()
    left, right = fig.axes
    assert len(left.lines) == 2 and len(right.lines) == 3
    probs = np.array([line.get_ydata() for line in right.lines])
    assert np.allclose(probs.sum(axis=0), 1)  # softmax sums to one everywhere


def test_loss_and_gradient_curves_match_formulas():
    fig = plot_loss_and_gradient(target=1.0)
    (ax1, ax2) = fig.axes
    y = ax2.lines[0].get_xdata()
    mse_grad, bce_grad = ax2.lines[0].get_ydata(), ax2.lines[1].get_ydata()
    assert np.allclose(mse_grad, y - 1.0)
    assert np.allclose(bce_grad, 1 / (1 + np.exp(-y)) - 1.0)
    assert np.allclose(ax1.lines[1].get_ydata(), np.log1p(np.exp(-y)))
    sig = 1 / (1 + np.exp(-y))  # sigmoid + squared error keeps sigma'(y) = sig (1 - sig)
    assert np.allclose(ax1.lines[2].get_ydata(), 0.5 * (sig - 1.0) ** 2)
    assert np.allclose(ax2.lines[2].get_ydata(), (sig - 1.0) * sig * (1 - sig))


@pytest.mark.parametrize("kwargs", [dict(target=2.0), dict(y_range=(1.0, -1.0))])
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        plot_loss_and_gradient(**kwargs)
