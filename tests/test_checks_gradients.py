"""The notebook-04 checkers accept a correct answer and name the wrong time step."""

import numpy as np
import pytest

from rnnlib.checks.gradients import check_dW_hh, check_dW_xh


def dW_hh_good(dzs, hs):
    return sum(np.outer(dzs[t - 1], hs[t - 1]) for t in range(1, len(dzs) + 1))


def dW_xh_good(dzs, xs):
    return dzs.T @ xs


def test_correct_answers_pass(capsys):
    assert check_dW_hh(dW_hh_good).passed
    assert check_dW_xh(dW_xh_good).passed
    assert "correct" in capsys.readouterr().out


def test_not_implemented_is_reported_not_raised(capsys):
    def todo(dzs, hs):
        raise NotImplementedError

    result = check_dW_hh(todo)
    assert not result.passed
    assert "not implemented yet" in capsys.readouterr().out


def test_h_t_instead_of_h_t_minus_1_names_step_and_state():
    def off_by_one(dzs, hs):
        return sum(np.outer(dzs[t - 1], hs[t]) for t in range(1, len(dzs) + 1))

    result = check_dW_hh(off_by_one, quiet=True)
    assert not result.passed
    text = str(result)
    assert "step t = 1 you used h_1" in text and "h_0^T" in text


def test_missing_step_is_named():
    def skips_last(dzs, hs):
        T = len(dzs)
        return sum((np.outer(dzs[t - 1], hs[t - 1]) for t in range(1, T)), np.zeros((4, 4)))

    result = check_dW_hh(skips_last, quiet=True)
    assert not result.passed
    assert "step t = 5 contributes nothing" in str(result)


def test_transposed_term_is_named():
    result = check_dW_hh(lambda dzs, hs: dW_hh_good(dzs, hs).T, quiet=True)
    assert not result.passed
    assert "transposed" in str(result)


def test_wrong_input_step_for_W_xh():
    def shifted(dzs, xs):  # pairs delta_t with x_{t+1}
        return dzs[:-1].T @ xs[1:] + np.outer(dzs[-1], xs[-1])

    result = check_dW_xh(shifted, quiet=True)
    assert not result.passed
    assert "step t = 1 you used x_2" in str(result)


def test_exceptions_are_reported():
    result = check_dW_xh(lambda dzs, xs: dzs @ xs, quiet=True)  # shapes do not match
    assert not result.passed
    assert "raised ValueError" in str(result)


@pytest.mark.parametrize("checker", [check_dW_hh, check_dW_xh])
def test_a_hard_coded_answer_fails_the_second_case(checker):
    from rnnlib.checks.gradients import _case

    dzs, hs, xs = _case(5, 1)
    first = dW_hh_good(dzs, hs) if checker is check_dW_hh else dzs.T @ xs
    assert not checker(lambda *a: first, quiet=True).passed
