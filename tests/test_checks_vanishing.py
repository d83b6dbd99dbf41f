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
        (no_diag, "activation derivative is missing", "t = 1, k = 0"),
        (diag_right, "factor diag(f') is on the wrong side", "t = 1, k = 0"),
        (reversed_order, "reverse order", "t = 6, k = 0"),
        (shifted, "dfs[j-2]", "t = 1, k = 0"),
        (too_few, "One factor too few", "t = 1, k = 0"),
        (transposed, "transposes", "t = 1, k = 0"),
    ],
)
def test_planted_bug_is_named(fn, words, step):
    r = check_jacobian_product(fn, quiet=True)
    assert not r.passed
    text = " ".join("\n".join(r.messages).split())  # feedback is wrapped
    assert words in text, text
    assert step in text, text


def test_wrong_side_and_missing_derivative_are_named_in_words():
    side = " ".join(str(check_jacobian_product(diag_right, quiet=True)).split())
    assert "you computed W_hh diag(f'(z_j))" in side and "is diag(f'(z_j)) W_hh" in side
    assert "scales the columns" in side and "scales row i" in side
    missing = " ".join(str(check_jacobian_product(no_diag, quiet=True)).split())
    assert "derivative" in missing and "J_j = diag(f'(z_j)) W_hh" in missing


def test_a_wrong_shape_says_which_shape_and_why():
    def vector(W_hh, dfs, t, k):
        return correct(W_hh, dfs, t, k)[0]

    text = " ".join(str(check_jacobian_product(vector, quiet=True)).split())
    assert "shape (3,), expected (3, 3)" in text and "change of h_k" in text


def test_exception_is_reported():
    def broken(W_hh, dfs, t, k):
        return W_hh @ dfs

    r = check_jacobian_product(broken, quiet=True)
    assert not r.passed and "raised ValueError" in r.messages[0]
    assert r.messages[0].startswith("t = 1, k = 0: ") and "dfs (6, 3)" in r.messages[0]
