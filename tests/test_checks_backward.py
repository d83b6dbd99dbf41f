"""The notebook-03 checkers accept a correct answer and name each taught mistake in words."""

import numpy as np
import pytest

from rnnlib.checks.backward import check_backward_loop, check_step_backward


def step_backward(dh, c, bug=None):
    fp = 1 - c["h"] ** 2
    dz = dh if bug == "no_derivative" else dh * fp
    out = {
        "dz": dz,
        "W_xh": np.outer(dz, c["x"]),
        "W_hh": np.outer(dz, c["h_prev"]),
        "b_h": dz,
        "dh_prev": c["W_hh"].T @ dz,
    }
    if bug == "no_transpose":
        out["dh_prev"] = c["W_hh"] @ dz
    if bug == "after_outer_product":  # the detailed notes' formula, read elementwise
        out["W_hh"] = np.outer(dh, c["h_prev"]) * fp
    if bug == "transposed_term":
        out["W_hh"] = np.outer(c["h_prev"], dz)
    if bug == "h_not_h_prev":
        out["W_hh"] = np.outer(dz, c["h"])
    if bug == "derivative_of_h_prev":
        out["dz"] = dh * (1 - c["h_prev"] ** 2)
    if bug == "vector_W_hh":
        out["W_hh"] = dz
    return out


def backward(p, xs, hs, dys, bug=None):
    T = len(xs)
    g = {k: np.zeros_like(v) for k, v in p.items()}
    dhs = np.zeros_like(hs)
    carry = np.zeros(hs.shape[1])
    for t in range(T, 1 if bug == "stops_early" else 0, -1):
        dh = p["W_hy"].T @ dys[t - 1] + carry
        dhs[t] = dh
        dz = dh * (1 - hs[t] ** 2)
        g["W_hy"] += np.outer(dys[t - 1], hs[t - 1] if bug == "W_hy_off_by_one" else hs[t])
        g["b_y"] += dys[t - 1]
        g["W_xh"] += np.outer(dz, xs[t - 1])
        if bug == "after_outer_product":
            g["W_hh"] += np.outer(dh, hs[t - 1]) * (1 - hs[t] ** 2)
        elif bug == "W_hh_off_by_one":
            g["W_hh"] += np.outer(dz, hs[t])
        else:
            g["W_hh"] += np.outer(dz, hs[t - 1])
        g["b_h"] += dz
        carry = {
            "no_carry": 0 * dz,
            "carry_is_dh": dh,
            "carry_without_derivative": p["W_hh"].T @ dh,
            "carry_not_transposed": p["W_hh"] @ dz,
        }.get(bug, p["W_hh"].T @ dz)
    dhs[0] = carry
    g["dhs"] = dhs[1:] if bug == "no_dh0" else dhs
    return g


def test_step_correct():
    assert check_step_backward(step_backward, quiet=True).passed


@pytest.mark.parametrize(
    ("bug", "output", "words"),
    [
        ("no_transpose", "dh_prev", "transpose"),
        ("after_outer_product", "W_hh", "outer product"),
        ("no_derivative", "dz", "derivative"),
        ("transposed_term", "W_hh", "transpose"),
        ("h_not_h_prev", "W_hh", "h_{t-1}"),
        ("derivative_of_h_prev", "dz", "derivative belongs to this step"),
    ],
)
def test_step_names_each_taught_mistake(bug, output, words):
    r = check_step_backward(lambda dh, c: step_backward(dh, c, bug), quiet=True)
    assert not r.passed and len(r.messages) == 1
    assert r.messages[0].startswith(f"case 1: {output} differs")
    assert words in r.messages[0]


def test_step_a_forgotten_derivative_is_reported_once_at_its_source():
    r = check_step_backward(lambda dh, c: step_backward(dh, c, "no_derivative"), quiet=True)
    assert "are wrong too: built from delta_t, so fix dz first" in r.messages[0]
    assert "W_xh, W_hh, b_h, dh_prev" in r.messages[0]


def test_step_wrong_shape_says_which_shape_and_why():
    r = check_step_backward(lambda dh, c: step_backward(dh, c, "vector_W_hh"), quiet=True)
    assert "W_hh: shape (3,), expected (3, 3)" in r.messages[0]
    assert "has the shape of W_hh, (H, H)" in r.messages[0]


def test_step_shape_error_in_student_code_lists_the_shapes():
    def mismatched(dh, c):  # (H,) @ (D, H)^T... a product whose sizes do not fit
        out = step_backward(dh, c)
        out["W_xh"] = c["W_xh"].T @ np.ones(len(c["x"]) + 1)
        return out

    r = check_step_backward(mismatched, quiet=True)
    text = r.messages[0]
    assert "matmul" not in text and "gufunc" not in text  # no raw numpy message
    assert "a matrix product A @ B does not fit: A has 3 columns but B has 4 rows" in text
    assert "W_xh (3, 3)" in text and "transpose where the shapes ask for it" in text


def test_step_missing_key_and_unfinished():
    def missing(dh, c):
        r = step_backward(dh, c)
        del r["b_h"]
        return r

    r = check_step_backward(missing, quiet=True)
    assert "b_h: got None" in r.messages[0]

    def not_done(dh, c):
        raise NotImplementedError

    assert "not implemented yet" in str(check_step_backward(not_done, quiet=True))


def test_loop_correct():
    assert check_backward_loop(backward, quiet=True).passed


@pytest.mark.parametrize(
    ("bug", "start", "words"),
    [
        ("no_carry", "dhs (dL/dh_t): first wrong at time step t = 4", "carry from step t+1"),
        ("carry_is_dh", "dhs (dL/dh_t): first wrong at time step t = 4", "ERRATA.md, entry 9"),
        ("carry_without_derivative", "dhs (dL/dh_t): first wrong", "derivative of step t+1"),
        ("carry_not_transposed", "dhs (dL/dh_t): first wrong", "transpose"),
        ("stops_early", "dhs (dL/dh_t): first wrong at time step t = 1", "range(T, 0, -1)"),
        ("after_outer_product", "dW_hh differs", "outer product"),
        ("W_hh_off_by_one", "dW_hh differs", "Off by one in time"),
        ("W_hy_off_by_one", "dW_hy differs", "reads h_t = hs[t]"),
    ],
)
def test_loop_names_each_taught_mistake(bug, start, words):
    r = check_backward_loop(lambda *a: backward(*a, bug=bug), quiet=True)
    assert not r.passed
    assert r.messages[0].startswith(f"case 1: {start}")
    assert words in r.messages[0]


def test_loop_names_first_wrong_step_backwards():
    r = check_backward_loop(lambda *a: backward(*a, bug="no_carry"), quiet=True)
    # T = 5: dL/dh_5 is right, dL/dh_4 is the first one computed wrongly
    assert "after t = 4 are right" in r.messages[0]


def test_loop_wrong_shape_says_which_shape_and_why():
    r = check_backward_loop(lambda *a: backward(*a, bug="no_dh0"), quiet=True)
    assert "shape (5, 3), expected (6, 3)" in r.messages[0]
    assert "dhs[0] = dL/dh_0" in r.messages[0]
