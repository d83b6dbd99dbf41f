"""The clip_by_norm checker accepts the right answer and names each planted mistake."""

import numpy as np
import pytest

from rnnlib.checks.clipping import check_clip_by_norm


def norm_of(grads):
    return np.sqrt(sum(np.sum(g**2) for g in grads.values()))


def correct(grads, tau):
    norm = norm_of(grads)
    scale = tau / norm if norm > tau else 1.0
    return {k: g * scale for k, g in grads.items()}


def per_parameter(grads, tau):
    out = {}
    for k, g in grads.items():
        n = np.linalg.norm(g)
        out[k] = g * tau / n if n > tau else g.copy()
    return out


def by_value(grads, tau):
    return {k: np.clip(g, -tau, tau) for k, g in grads.items()}


def always(grads, tau):  # rescales even small gradients up to tau
    return {k: g * tau / norm_of(grads) for k, g in grads.items()}


def unit(grads, tau):  # forgets tau
    norm = norm_of(grads)
    return {k: g / norm if norm > tau else g.copy() for k, g in grads.items()}


def squared(grads, tau):  # divides by the squared norm
    norm = norm_of(grads)
    return {k: g * tau / norm**2 if norm > tau else g.copy() for k, g in grads.items()}


def upside_down(grads, tau):
    norm = norm_of(grads)
    return {k: g * norm / tau if norm > tau else g.copy() for k, g in grads.items()}


def half(grads, tau):  # an unnamed mistake: right direction, wrong length
    return {k: v / 2 for k, v in correct(grads, tau).items()}


def turned(grads, tau):  # an unnamed mistake: wrong direction
    out = correct(grads, tau)
    out["b_h"] = out["b_h"] * 0
    return out


def in_place(grads, tau):
    norm = norm_of(grads)
    if norm > tau:
        for g in grads.values():
            g *= tau / norm
    return grads


def test_correct_passes(capsys):
    assert check_clip_by_norm(correct).passed
    assert "correct" in capsys.readouterr().out


def test_not_implemented(capsys):
    def todo(grads, tau):
        raise NotImplementedError

    assert not check_clip_by_norm(todo).passed
    assert "not implemented yet" in capsys.readouterr().out


@pytest.mark.parametrize(
    "fn, words",
    [
        (per_parameter, ["each parameter by its own norm", "ONE global norm"]),
        (by_value, ["clipping by value", "turns the direction"]),
        (always, ["case 3", "already at most tau", "only ever shortens"]),
        (unit, ["length 1"]),
        (squared, ["||g||^2"]),
        (upside_down, ["upside down"]),
        (half, ["direction is right but the length is wrong"]),
        (turned, ["direction is wrong", "cosine"]),
        (in_place, ["in place"]),
    ],
)
def test_planted_mistakes_are_named(fn, words):
    r = check_clip_by_norm(fn, quiet=True)
    assert not r.passed
    text = " ".join("\n".join(r.messages).split())  # feedback is wrapped
    for w in words:
        assert w in text, text


def test_wrong_shape_and_exceptions_are_explained():
    def flattened(grads, tau):
        return {k: v.ravel() for k, v in correct(grads, tau).items()}

    def broken(grads, tau):
        return {k: v @ np.ones(5) for k, v in grads.items()}

    shape = " ".join(str(check_clip_by_norm(flattened, quiet=True)).split())
    assert "W_hh has shape (9,), expected (3, 3)" in shape and "keeps its shape" in shape
    raised = " ".join(str(check_clip_by_norm(broken, quiet=True)).split())
    assert "raised ValueError" in raised and "W_hh (3, 3)" in raised
