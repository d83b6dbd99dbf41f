"""The one-unit RNN of the cliff: exact gradient against finite differences, vectorisation."""

import numpy as np
import pytest

from rnnlib.cliff import (
    B_RANGE,
    W_RANGE,
    cliff_grid,
    cliff_loss,
    cliff_loss_and_grad,
    cliff_states,
    descend,
)


@pytest.mark.parametrize("w, b", [(3.5, -2.6), (5.0, -3.0), (6.0, -3.6), (4.2, -2.1), (6.9, -1.2)])
def test_gradient_matches_finite_differences(w, b):
    loss, dw, db = cliff_loss_and_grad(w, b)
    eps = 1e-6
    num_w = (cliff_loss(w + eps, b) - cliff_loss(w - eps, b)) / (2 * eps)
    num_b = (cliff_loss(w, b + eps) - cliff_loss(w, b - eps)) / (2 * eps)
    assert loss == pytest.approx(cliff_loss(w, b))
    assert dw == pytest.approx(num_w, rel=1e-5, abs=1e-9)
    assert db == pytest.approx(num_b, rel=1e-5, abs=1e-9)


def test_recurrence_and_vectorised_grid():
    zs = cliff_states(5.0, -3.0, T=3)
    s = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    assert zs[0] == 0.5 and zs[1] == pytest.approx(5.0 * s(0.5) - 3.0)
    assert zs[3] == pytest.approx(5.0 * s(zs[2]) - 3.0)
    W, B = np.meshgrid(np.linspace(3, 7, 5), np.linspace(-4.5, -1, 4))
    L, dw, db = cliff_loss_and_grad(W, B)
    assert L.shape == dw.shape == db.shape == (4, 5)
    assert L[2, 3] == pytest.approx(cliff_loss(W[2, 3], B[2, 3]))
    assert dw[1, 4] == pytest.approx(cliff_loss_and_grad(W[1, 4], B[1, 4])[1])


def test_clipping_keeps_descent_near_the_cliff():
    free, n_free = descend(6.0, -3.6, 1.0, 80)
    clipped, n_clip = descend(6.0, -3.6, 1.0, 80, clip=0.5)
    steps = np.linalg.norm(np.diff(clipped, axis=0), axis=1)
    assert steps.max() <= 0.5 + 1e-12
    assert n_free.max() > 10  # one gradient on the wall is huge
    assert np.abs(free[-1]).max() > 20  # ... and throws the parameters far away
    assert cliff_loss(*clipped[-1]) < cliff_loss(*free[-1])


def test_bad_input():
    with pytest.raises(ValueError, match="clip"):
        descend(5.0, -3.0, 1.0, 10, clip=-1.0)
    with pytest.raises(TypeError, match="steps"):
        descend(5.0, -3.0, 1.0, 2.5)
    with pytest.raises(ValueError, match="lr must be a positive finite number, got float 0.0"):
        descend(5.0, -3.0, 0.0, 10)
    with pytest.raises(TypeError, match="clip \\(None or a norm threshold\\) must be"):
        descend(5.0, -3.0, 1.0, 10, clip="1")
    with pytest.raises(ValueError, match="w0 must be a finite number"):
        descend(float("nan"), -3.0, 1.0, 10)


def test_cliff_grid_covers_the_window():
    W, B, L = cliff_grid(7)
    assert W.shape == B.shape == L.shape == (7, 7)
    assert (W[0, 0], W[0, -1], B[0, 0], B[-1, 0]) == (*W_RANGE, *B_RANGE)
    assert L[3, 5] == pytest.approx(cliff_loss(W[3, 5], B[3, 5]))
    with pytest.raises(ValueError, match="n"):
        cliff_grid(0)
