"""The generated tasks: shapes, definitions, determinism."""

import numpy as np
import pytest

import rnnlib


def test_adding_problem_definition():
    T, n = 12, 50
    xs, tg = rnnlib.adding_problem(T, n, seed=3)
    assert xs.shape == (T, n, 2) and tg.shape == (n, 1)
    values, markers = xs[..., 0], xs[..., 1]
    assert np.all((values >= 0) & (values < 1))
    assert set(np.unique(markers)) <= {0.0, 1.0}
    np.testing.assert_array_equal(markers.sum(axis=0), 2.0)  # exactly two markers
    np.testing.assert_array_equal(markers[: T // 2].sum(axis=0), 1.0)  # one in each half
    np.testing.assert_allclose(tg[:, 0], (values * markers).sum(axis=0), rtol=1e-15)


def test_adding_baseline_mse():
    assert pytest.approx(1 / 6) == rnnlib.ADDING_BASELINE_MSE
    _, tg = rnnlib.adding_problem(10, 40_000, seed=0)
    assert np.mean((tg - 1.0) ** 2) == pytest.approx(rnnlib.ADDING_BASELINE_MSE, abs=0.005)
    # the adding targets are read at the last step: many-to-one with mask="last"
    loss, _ = rnnlib.mse(np.ones((10, 40_000, 1)), tg, mask="last")
    assert loss == pytest.approx(rnnlib.ADDING_BASELINE_MSE, abs=0.005)


def test_sine_next_step_definition():
    xs, tg = rnnlib.sine_next_step(30, 4, seed=1)
    assert xs.shape == tg.shape == (30, 4, 1)
    np.testing.assert_array_equal(tg[:-1], xs[1:])  # target at t is the input at t + 1
    assert np.all(np.abs(xs) <= 1)
    noisy, _ = rnnlib.sine_next_step(30, 4, seed=1, noise=0.1)
    assert 0 < np.max(np.abs(noisy - xs)) < 1


def test_delayed_echo_definition():
    xs, tg = rnnlib.delayed_echo(20, 5, delay=3, seed=2)
    assert xs.shape == tg.shape == (20, 5, 1)
    assert set(np.unique(xs)) == {0.0, 1.0}
    np.testing.assert_array_equal(tg[3:], xs[:-3])
    np.testing.assert_array_equal(tg[:3], 0.0)


@pytest.mark.parametrize(
    "make",
    [
        lambda s: rnnlib.adding_problem(8, 3, seed=s),
        lambda s: rnnlib.sine_next_step(8, 3, seed=s),
        lambda s: rnnlib.delayed_echo(8, 3, 2, seed=s),
    ],
)
def test_tasks_are_deterministic_per_seed(make):
    a, b, c = make(7), make(7), make(8)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a[0], c[0])


def test_delay_must_fit_inside_the_sequence():
    with pytest.raises(
        ValueError, match=r"delay must be smaller than T .*got delay = 8, T = 8: every target"
    ):
        rnnlib.delayed_echo(8, 3, 8)
    xs, tg = rnnlib.delayed_echo(8, 3, 7, seed=0)  # the longest echo: one step of signal
    np.testing.assert_array_equal(tg[7], xs[0])


@pytest.mark.parametrize(
    "noise, exc", [(-0.1, ValueError), (np.nan, ValueError), ("0.1", TypeError)]
)
def test_sine_noise_must_be_a_standard_deviation(noise, exc):
    with pytest.raises(exc, match=r"noise must be a finite number >= 0, got"):
        rnnlib.sine_next_step(10, 2, noise=noise)


def test_adding_marked_values_are_the_two_marked_entries():
    xs, targets = rnnlib.adding_problem(9, 50, seed=2)
    first, second = rnnlib.adding_marked_values(xs)
    for b in range(50):
        t1, t2 = np.flatnonzero(xs[:, b, 1])
        assert first[b] == xs[t1, b, 0] and second[b] == xs[t2, b, 0]
    assert np.allclose(first + second, targets[:, 0])
    with pytest.raises(ValueError, match="shape"):
        rnnlib.adding_marked_values(xs[:, :, :1])
    with pytest.raises(ValueError, match="exactly two"):
        rnnlib.adding_marked_values(np.zeros((4, 3, 2)))
