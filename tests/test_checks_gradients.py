"""The notebook-04 checkers accept a correct answer, name each taught mistake in words and
the wrong time step."""

import numpy as np
import pytest

from rnnlib.checks.gradients import check_dW_hh, check_input_gradients


def dW_hh_good(dzs, hs):
    return dzs.T @ hs[:-1]


def test_correct_answers_pass(capsys):
    assert check_dW_hh(dW_hh_good).passed
    assert check_dW_hh(
        lambda dzs, hs: sum(np.outer(dzs[t - 1], hs[t - 1]) for t in range(1, len(dzs) + 1))
    ).passed
    assert "correct" in capsys.readouterr().out


def test_not_implemented_is_reported_not_raised(capsys):
    def todo(dzs, hs):
        raise NotImplementedError

    result = check_dW_hh(todo)
    assert not result.passed
    assert "not implemented yet" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("student", "words"),
    [
        (lambda dzs, hs: dzs.T @ hs[1:], "You paired delta_t with h_t"),
        (lambda dzs, hs: hs[:-1].T @ dzs, "transpose"),
        (lambda dzs, hs: dzs[1:].T @ hs[1:-1], "step t = 1 is missing"),
        (lambda dzs, hs: dzs[:-1].T @ hs[:-2], "last step t = T is missing"),
    ],
)
def test_dW_hh_names_each_taught_mistake(student, words):
    result = check_dW_hh(student, quiet=True)
    assert not result.passed and len(result.messages) == 1
    assert words in result.messages[0]


def test_dW_hh_otherwise_names_the_first_wrong_step():
    def one_wrong_pairing(dzs, hs):
        return sum(
            np.outer(dzs[t - 1], hs[t] if t == 2 else hs[t - 1]) for t in range(1, len(dzs) + 1)
        )

    result = check_dW_hh(one_wrong_pairing, quiet=True)
    assert not result.passed
    assert "the term of step t = 2" in result.messages[1]
    assert "It pairs delta_2 with h_2" in result.messages[1]

    def skips_step_3(dzs, hs):
        return sum(np.outer(dzs[t - 1], hs[t - 1]) for t in range(1, len(dzs) + 1) if t != 3)

    assert "Step t = 3 contributes nothing" in str(check_dW_hh(skips_step_3, quiet=True))


def test_dW_hh_shape_errors_are_explained():
    result = check_dW_hh(lambda dzs, hs: dzs.T @ hs, quiet=True)  # T vs T + 1 rows
    assert "raised ValueError" in result.messages[0]
    assert "It was given dzs (5, 4), hs (6, 4)" in result.messages[0]
    result = check_dW_hh(lambda dzs, hs: dzs.sum(axis=0), quiet=True)
    assert "shape (4,), expected (4, 4): dL/dW_hh has the shape of W_hh" in result.messages[0]


def test_a_hard_coded_answer_fails_the_second_case():
    from rnnlib.checks.gradients import _case

    _, trace, _, g = _case(5, 1)
    first = dW_hh_good(g.dzs, trace.hs)
    assert not check_dW_hh(lambda *a: first, quiet=True).passed


def input_gradients(p, hs, dys, bug=None):
    T, D = len(dys), p["W_xh"].shape[1]
    dxs, rows = np.zeros((T, D)), []
    carry = np.zeros(hs.shape[1])
    for t in range(T, 0, -1):
        dh = p["W_hy"].T @ dys[t - 1] + carry
        dz = dh * (1 - hs[t] ** 2)
        if bug == "not_transposed":
            dxs[t - 1] = p["W_xh"] @ dz
        elif bug == "no_derivative":
            dxs[t - 1] = p["W_xh"].T @ dh
        else:
            dxs[t - 1] = p["W_xh"].T @ dz
        rows.append(dxs[t - 1])
        carry = {
            "no_carry": 0 * dz,
            "carry_is_dh": dh,
            "carry_without_derivative": p["W_hh"].T @ dh,
        }.get(bug, p["W_hh"].T @ dz)
    if bug == "backward_order":
        return np.array(rows)
    if bug == "deltas":
        return np.zeros((T, hs.shape[1]))
    return dxs


def test_input_gradients_correct_and_unfinished():
    assert check_input_gradients(input_gradients, quiet=True).passed

    def todo(p, hs, dys):
        raise NotImplementedError

    assert "not implemented yet" in str(check_input_gradients(todo, quiet=True))


@pytest.mark.parametrize(
    ("bug", "step", "words"),
    [
        ("not_transposed", 5, "transpose"),
        ("no_derivative", 5, "derivative"),
        ("no_carry", 4, "carry from step t+1"),
        ("carry_is_dh", 4, "ERRATA.md, entry 9"),
        ("carry_without_derivative", 4, "derivative of step t+1"),
        ("backward_order", 5, "backward order"),
    ],
)
def test_input_gradients_name_each_taught_mistake(bug, step, words):
    result = check_input_gradients(lambda *a: input_gradients(*a, bug=bug), quiet=True)
    assert not result.passed
    assert f"first wrong at time step t = {step}" in result.messages[0]
    assert words in result.messages[0]


def test_input_gradients_wrong_shape_says_which_and_why():
    # case 1 has D = H, so returning the deltas is caught by value; case 2 by shape
    def deltas_in_case_2(p, hs, dys):
        out = input_gradients(p, hs, dys)
        return (
            out
            if p["W_xh"].shape[0] == p["W_xh"].shape[1]
            else input_gradients(p, hs, dys, "deltas")
        )

    result = check_input_gradients(deltas_in_case_2, quiet=True)
    assert "case 2 (many-to-one, T = 6)" in result.messages[0]
    assert "shape (6, 4), expected (6, 2): dxs has the shape of xs, (T, D)" in result.messages[0]


def test_input_gradients_untransposed_W_xh_in_the_non_square_case_lists_shapes():
    def untransposed(p, hs, dys):
        if p["W_xh"].shape[0] == p["W_xh"].shape[1]:
            return input_gradients(p, hs, dys)
        return input_gradients(p, hs, dys, "not_transposed")

    result = check_input_gradients(untransposed, quiet=True)
    assert "case 2: your function raised ValueError" in result.messages[0]
    assert "W_xh (4, 2)" in result.messages[0]
