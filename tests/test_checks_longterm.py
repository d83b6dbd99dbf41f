"""Tests for rnnlib.checks.longterm: the gated backward-step checker accepts a correct
answer and names each planted mistake in words."""

import numpy as np
import pytest

from rnnlib import gated
from rnnlib.checks.longterm import KEYS, check_gated_step_backward


def answer(dh, cache, bug=None):
    """A student's gated_step_backward, correct unless ``bug`` plants one mistake."""
    x, h_prev, u, c = cache["x"], cache["h_prev"], cache["u"], cache["c"]
    W_hh, W_hu = cache["W_hh"], cache["W_hu"]
    da_c = dh * (1 - c**2) if bug == "no_u" else dh * u * (1 - c**2)
    if bug == "no_tanh_derivative":
        da_c = dh * u
    da_u = dh * (c - h_prev) * u * (1 - u)
    if bug == "sign":
        da_u = -da_u
    if bug == "no_sigmoid_derivative":
        da_u = dh * (c - h_prev)
    if bug == "no_gate_path":
        da_u = np.zeros_like(dh)
    back_c, back_u = W_hh.T @ da_c, W_hu.T @ da_u
    if bug == "no_transpose":
        back_c, back_u = W_hh @ da_c, W_hu @ da_u
    if bug == "wrong_side":
        back_c = (W_hh.T @ dh) * u * (1 - c**2)
        back_u = (W_hu.T @ dh) * (c - h_prev) * u * (1 - u)
    leak = 0 if bug == "no_leak" else dh * (1 - u)
    outer = (lambda a, b: np.outer(b, a)) if bug == "reversed_outer" else np.outer
    return {
        "da_c": da_c,
        "da_u": da_u,
        "W_xh": outer(da_c, x),
        "W_hh": outer(da_c, h_prev),
        "b_h": da_c,
        "W_xu": outer(da_u, x),
        "W_hu": outer(da_u, h_prev),
        "b_u": da_u,
        "dh_prev": leak + back_c + back_u,
    }


def test_accepts_a_correct_answer_and_the_library(capsys):
    assert check_gated_step_backward(answer).passed
    assert check_gated_step_backward(gated.gated_step_backward).passed
    assert "backward step of the gated cell: correct" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("bug", "first_wrong", "words"),
    [
        ("no_u", "da_c", "factor u_t is missing"),
        ("no_tanh_derivative", "da_c", "tanh derivative"),
        ("sign", "da_u", "Wrong sign"),
        ("no_sigmoid_derivative", "da_u", "own derivative u_t (1 - u_t)"),
        ("no_gate_path", "da_u", "gate's own path is missing"),
        ("no_leak", "dh_prev", "leak term"),
        ("no_transpose", "dh_prev", "transposes"),
        ("wrong_side", "dh_prev", "wrong side"),
    ],
)
def test_names_each_planted_mistake(bug, first_wrong, words, capsys):
    res = check_gated_step_backward(lambda dh, cache: answer(dh, cache, bug))
    out = capsys.readouterr().out
    assert not res.passed
    assert res.messages[0].startswith(f"case 1 (D = 2, H = 3): {first_wrong} differs")
    assert words in res.messages[0], res.messages[0]
    assert all(len(line) <= 88 for line in out.splitlines())


def test_a_reversed_outer_product_gets_the_expected_shape_and_why(capsys):
    res = check_gated_step_backward(lambda dh, cache: answer(dh, cache, "reversed_outer"))
    assert not res.passed
    msg = res.messages[0]
    assert msg.startswith("case 1 (D = 2, H = 3): W_xh: shape (2, 3), expected (3, 2)")
    assert "dW_xh has the shape of W_xh" in msg and "da_c x_t^T" in msg
    assert "also wrong: W_hh, W_xu, W_hu" in res.messages[1]


def test_the_gate_path_missing_in_dh_prev_alone_is_named():
    def bug(dh, cache):
        r = answer(dh, cache)
        r["dh_prev"] = r["dh_prev"] - cache["W_hu"].T @ r["da_u"]
        return r

    res = check_gated_step_backward(bug)
    assert not res.passed and "dh_prev differs" in res.messages[0]
    assert "W_hu^T da_u" in res.messages[0]


def test_unfinished_missing_key_wrong_type_and_raw_errors(capsys):
    def todo(dh, cache):
        raise NotImplementedError

    assert "not implemented yet" in str(check_gated_step_backward(todo, quiet=True))

    def missing(dh, cache):
        r = answer(dh, cache)
        del r["b_u"]
        return r

    assert "b_u: got None" in check_gated_step_backward(missing, quiet=True).messages[0]
    assert "expected a dict" in check_gated_step_backward(lambda *a: 0, quiet=True).messages[0]

    def mismatched(dh, cache):  # W_hh @ x: an (H, H) matrix with a D-vector
        return {"dh_prev": cache["W_hh"] @ cache["x"]}

    msg = check_gated_step_backward(mismatched, quiet=True).messages[0]
    assert "raised ValueError" in msg and "x (2,)" in msg and "W_hh (3, 3)" in msg


def test_keys_are_those_the_library_returns():
    dh = np.ones(3)
    p = gated.init_gated_params(2, 3, 1, seed=0)
    _, cache = gated.gated_step_forward(np.ones(2), np.zeros(3), p)
    assert set(gated.gated_step_backward(dh, cache)) == set(KEYS)
