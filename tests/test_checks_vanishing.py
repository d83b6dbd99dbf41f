"""The exercise checker of notebook 06 accepts the right product and names each planted bug."""

import numpy as np
import pytest

from rnnlib.checks.vanishing import check_jacobian_product


def correct(W_hh, dfs, t, k):
    P = np.eye(W_hh.shape[0])
    for j in range(k + 1, t + 1):
        P = (dfs[j - 1][:, None] * W_hh) @ P
    return P


def no_diag(W_hh, dfs, t, k):
    return np.linalg.matrix_power(W_hh, t - k)


def diag_right(W_hh, dfs, t, k):
    P = np.eye(W_hh.shape[0])
    for j in range(k + 1, t + 1):
        P = (W_hh * dfs[j - 1][None, :]) @ P
    return P


def reversed_order(W_hh, dfs, t, k):
    P = np.eye(W_hh.shape[0])
    for j in range(k + 1, t + 1):
        P = P @ (dfs[j - 1][:, None] * W_hh)
    return P


def shifted(W_hh, dfs, t, k):
    P = np.eye(W_hh.shape[0])
    for j in range(k + 1, t + 1):
        P = (dfs[j - 2][:, None] * W_hh) @ P
    return P


def too_few(W_hh, dfs, t, k):
    P = np.eye(W_hh.shape[0])
    for j in range(k + 1, t):
        P = (dfs[j - 1][:, None] * W_hh) @ P
    return P


def transposed(W_hh, dfs, t, k):
    P = np.eye(W_hh.shape[0])
    for j in range(k + 1, t + 1):
        P = P @ (W_hh.T * dfs[j - 1][None, :])
    return P


def test_correct_passes(capsys):
    assert check_jacobian_product(correct).passed
    assert "correct" in capsys.readouterr().out


def test_not_implemented_is_reported_not_raised(capsys):
    def todo(W_hh, dfs, t, k):
        raise NotImplementedError

    r = check_jacobian_product(todo)
    assert not r.passed
    assert "not implemented yet" in capsys.readouterr().out


@pytest.mark.parametrize(
    "fn, words, step",
    [
        (no_diag, "is missing", "t = 1, k = 0"),
        (diag_right, "columns scaled", "t = 1, k = 0"),
        (reversed_order, "reverse order", "t = 6, k = 0"),
        (shifted, "dfs[j-2]", "t = 1, k = 0"),
        (too_few, "one factor too few", "t = 1, k = 0"),
        (transposed, "transposes", "t = 1, k = 0"),
    ],
)
def test_planted_bug_is_named(fn, words, step):
    r = check_jacobian_product(fn, quiet=True)
    assert not r.passed
    text = "\n".join(r.messages)
    assert words in text, text
    assert step in text, text


def test_exception_is_reported():
    def broken(W_hh, dfs, t, k):
        return W_hh @ dfs

    r = check_jacobian_product(broken, quiet=True)
    assert not r.passed and "raised ValueError" in r.messages[0]
