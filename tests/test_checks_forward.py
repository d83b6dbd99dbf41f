import numpy as np
import pytest

from rnnlib.checks.forward import check_forward_loop, check_step_forward


def step(x, h_prev, p):
    return np.tanh(p["W_xh"] @ x + p["W_hh"] @ h_prev + p["b_h"])


def loop(xs, h0, p, *, step_fn=step, wrong_at=None):
    hs = [h0]
    for t, x in enumerate(xs, start=1):
        h_prev = hs[-1] * 0 if t == wrong_at else hs[-1]
        hs.append(step_fn(x, h_prev, p))
    hs = np.array(hs)
    return hs, hs[1:] @ p["W_hy"].T + p["b_y"]


def not_done(*args):
    raise NotImplementedError


def test_step_correct_and_unfinished(capsys):
    assert check_step_forward(step).passed
    r = check_step_forward(not_done)
    assert not r.passed and "not implemented yet" in str(r)
    assert "not implemented yet" in capsys.readouterr().out


def test_step_names_the_wrong_entry():
    def transposed(x, h_prev, p):
        return np.tanh(p["W_xh"] @ x + p["W_hh"].T @ h_prev + p["b_h"])

    def bias_only_in_entry_1(x, h_prev, p):
        h = step(x, h_prev, p)
        h[1] += 0.1
        return h

    assert not check_step_forward(transposed, quiet=True).passed
    r = check_step_forward(bias_only_in_entry_1, quiet=True)
    assert not r.passed and "h_t differs, entry [1]" in r.messages[0]


def test_step_reports_exceptions_without_raising():
    r = check_step_forward(lambda x, h, p: p["W_xh"] @ h @ p["W_hy"], quiet=True)
    assert not r.passed and "raised ValueError" in r.messages[0]
    assert "It was given x (3,), h_prev (3,)" in r.messages[0]


@pytest.mark.parametrize(
    ("student", "words"),
    [
        (lambda x, h, p: np.tanh(p["W_xh"] @ x + h @ p["W_hh"] + p["b_h"]), "W_hh^T h_{t-1}"),
        (lambda x, h, p: np.tanh(x @ p["W_xh"] + p["W_hh"] @ h + p["b_h"]), "W_xh^T x_t"),
        (lambda x, h, p: p["W_xh"] @ x + p["W_hh"] @ h + p["b_h"], "pre-activation"),
        (lambda x, h, p: np.tanh(p["W_xh"] @ x + p["W_hh"] @ h), "bias b_h is missing"),
        (lambda x, h, p: np.tanh(p["W_xh"] @ x + p["b_h"]), "recurrent term"),
    ],
)
def test_step_names_each_taught_mistake(student, words):
    r = check_step_forward(student, quiet=True)
    assert not r.passed and words in r.messages[0]


def test_step_wrong_shape_says_which_and_why():
    r = check_step_forward(lambda x, h, p: step(x, h, p)[:, None], quiet=True)
    assert "shape (3, 1), expected (3,): h_t has the shape of h_(t-1)" in r.messages[0]


def test_loop_correct():
    assert check_forward_loop(loop, quiet=True).passed


def test_loop_reports_first_wrong_step():
    r = check_forward_loop(lambda xs, h0, p: loop(xs, h0, p, wrong_at=3), quiet=True)
    assert not r.passed
    assert "hs (h_t): first wrong at time step t = 3" in r.messages[0]


def test_loop_wrong_h0_is_step_0_and_wrong_outputs_are_named():
    def no_h0(xs, h0, p):
        return loop(xs, np.zeros_like(h0), p)

    r = check_forward_loop(no_h0, quiet=True)
    assert "time step t = 0" in r.messages[0]

    def no_bias_y(xs, h0, p):
        hs, ys = loop(xs, h0, p)
        return hs, ys - p["b_y"]

    r = check_forward_loop(no_bias_y, quiet=True)
    assert "ys (y_t): first wrong at time step t = 1" in r.messages[0]


def test_loop_names_each_taught_mistake():
    def not_carried(xs, h0, p):
        hs = np.array([h0] + [step(x, h0, p) for x in xs])
        return hs, hs[1:] @ p["W_hy"].T + p["b_y"]

    r = check_forward_loop(not_carried, quiet=True)
    assert "first wrong at time step t = 2" in r.messages[0]
    assert "The state is not carried" in r.messages[0]

    def y_from_h_prev(xs, h0, p):
        hs, _ = loop(xs, h0, p)
        return hs, hs[:-1] @ p["W_hy"].T + p["b_y"]

    r = check_forward_loop(y_from_h_prev, quiet=True)
    assert "ys (y_t): first wrong at time step t = 1" in r.messages[0]
    assert "Off by one in time" in r.messages[0]


def test_loop_wrong_shapes_say_which_and_why():
    r = check_forward_loop(
        lambda xs, h0, p: (loop(xs, h0, p)[0][1:], loop(xs, h0, p)[1]), quiet=True
    )
    assert "shape (5, 3), expected (6, 3): hs holds h_0, h_1, ..., h_T" in r.messages[0]

    def y_for_every_state(xs, h0, p):
        hs, _ = loop(xs, h0, p)
        return hs, hs @ p["W_hy"].T + p["b_y"]

    r = check_forward_loop(y_for_every_state, quiet=True)
    assert "(no output for h_0)" in r.messages[0]


def test_loop_wrong_return_type():
    r = check_forward_loop(lambda xs, h0, p: loop(xs, h0, p)[0], quiet=True)
    assert not r.passed and "tuple (hs, ys)" in r.messages[0]
