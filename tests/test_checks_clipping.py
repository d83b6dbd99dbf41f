"""The clip_by_norm checker accepts the right answer and tells norm from direction errors."""

import numpy as np
import pytest

from rnnlib.checks.clipping import check_clip_by_norm


def correct(grads, threshold):
    norm = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
    scale = threshold / norm if norm > threshold else 1.0
    return {k: g * scale for k, g in grads.items()}


def per_parameter(grads, threshold):
    out = {}
    for k, g in grads.items():
        n = np.linalg.norm(g)
        out[k] = g * threshold / n if n > threshold else g.copy()
    return out


def by_value(grads, threshold):
    return {k: np.clip(g, -threshold, threshold) for k, g in grads.items()}


def always(grads, threshold):  # rescales even small gradients up to the threshold
    norm = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
    return {k: g * threshold / norm for k, g in grads.items()}


def unit(grads, threshold):  # forgets the threshold
    norm = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
    return {k: g / norm if norm > threshold else g.copy() for k, g in grads.items()}


def in_place(grads, threshold):
    norm = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
    if norm > threshold:
        for g in grads.values():
            g *= threshold / norm
    return grads


def test_correct_passes(capsys):
    assert check_clip_by_norm(correct).passed
    assert "correct" in capsys.readouterr().out


def test_not_implemented(capsys):
    def todo(grads, threshold):
        raise NotImplementedError

    assert not check_clip_by_norm(todo).passed
    assert "not implemented yet" in capsys.readouterr().out


@pytest.mark.parametrize(
    "fn, words",
    [
        (per_parameter, ["direction is wrong", "each parameter by its own norm"]),
        (by_value, ["direction is wrong", "clipping by value"]),
        (always, ["below the threshold", "norm is wrong"]),
        (unit, ["norm is wrong", "length 1"]),
        (in_place, ["in place"]),
    ],
)
def test_planted_bugs(fn, words):
    r = check_clip_by_norm(fn, quiet=True)
    assert not r.passed
    text = "\n".join(r.messages)
    for w in words:
        assert w in text, text
