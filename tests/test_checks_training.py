"""The notebook-05 checkers accept correct steps and name each planted mistake in words."""

import numpy as np
import pytest

from rnnlib.checks.training import check_adam_step, check_momentum_step


def momentum(theta, m, g, eta, beta):
    m = beta * m + g
    return theta - eta * m, m


def adam(theta, m, v, g, n, eta, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    m_hat, v_hat = m / (1 - beta1**n), v / (1 - beta2**n)
    return theta - eta * m_hat / (np.sqrt(v_hat) + eps), m, v


def test_correct_steps_pass(capsys):
    assert check_momentum_step(momentum).passed
    assert check_adam_step(adam).passed
    assert capsys.readouterr().out.count(": correct") == 2


def test_not_implemented_prints_and_does_not_raise(capsys):
    def todo(*args):
        raise NotImplementedError

    assert not check_momentum_step(todo).passed
    assert not check_adam_step(todo).passed
    assert capsys.readouterr().out.count("not implemented yet") == 2


# momentum: (student function, words the feedback must contain)
MOMENTUM_MISTAKES = [
    (lambda th, m, g, eta, b: (th - eta * m, b * m + g), ["old m", "accumulate first"]),
    (lambda th, m, g, eta, b: (th + eta * (b * m + g), b * m + g), ["*up*"]),
    (lambda th, m, g, eta, b: (th - (b * m + g), b * m + g), ["learning rate eta"]),
    (lambda th, m, g, eta, b: (th - eta * g, b * m + g), ["plain gradient-descent step"]),
    (
        lambda th, m, g, eta, b: momentum(th, m, (1 - b) * g, eta, b),
        ["m (output 1) differs", "averaged form"],
    ),
    (lambda th, m, g, eta, b: (th - eta * (m + b * g), m + b * g), ["Beta multiplies the old m"]),
]


def _adam_variant(
    *,
    correct=(True, True),
    eps_inside=False,
    stale=False,
    power=0,
    no_sqrt=False,
    m_factor=True,
    v_factor=True,
    return_hat=False,
    swap=False,
):
    def step(theta, m, v, g, n, eta, beta1, beta2, eps):
        b1, b2 = (beta2, beta1) if swap else (beta1, beta2)
        m_new = b1 * m + ((1 - b1) * g if m_factor else g)
        v_new = b2 * v + ((1 - b2) * g**2 if v_factor else g**2)
        mm, vv = (m, v) if stale else (m_new, v_new)
        m_hat = mm / (1 - beta1 ** (n + power)) if correct[0] else mm
        v_hat = vv / (1 - beta2 ** (n + power)) if correct[1] else vv
        if no_sqrt:
            denom = v_hat + eps
        elif eps_inside:
            denom = np.sqrt(v_hat + eps)
        else:
            denom = np.sqrt(v_hat) + eps
        theta = theta - eta * m_hat / denom
        if return_hat:
            return theta, m_new / (1 - beta1**n), v_new / (1 - beta2**n)
        return theta, m_new, v_new

    return step


ADAM_MISTAKES = [
    (_adam_variant(correct=(False, False)), ["theta (output 0)", "bias correction is missing"]),
    (_adam_variant(correct=(False, True)), ["first moment m is not bias-corrected"]),
    (_adam_variant(correct=(True, False)), ["second moment v is not bias-corrected"]),
    (_adam_variant(eps_inside=True), ["Epsilon is inside the square root"]),
    (_adam_variant(stale=True), ["moments from before this gradient"]),
    (_adam_variant(no_sqrt=True), ["square root is missing"]),
    (_adam_variant(power=-1), ["Off by one", "n - 1"]),
    (_adam_variant(power=1), ["Off by one", "n + 1"]),
    (_adam_variant(m_factor=False), ["m (output 1)", "(1 - beta_1)"]),
    (_adam_variant(v_factor=False), ["v (output 2)", "(1 - beta_2)"]),
    (_adam_variant(swap=True), ["swapped"]),
    (_adam_variant(return_hat=True), ["bias-corrected m_hat as the new state"]),
]


@pytest.mark.parametrize(
    "checker, fn, words",
    [(check_momentum_step, fn, words) for fn, words in MOMENTUM_MISTAKES]
    + [(check_adam_step, fn, words) for fn, words in ADAM_MISTAKES],
)
def test_planted_mistake_is_named(checker, fn, words):
    result = checker(fn, quiet=True)
    assert not result.passed
    text = " ".join(str(result).split())  # feedback is wrapped
    for w in words:
        assert w in text, text


def test_adam_squared_gradient_and_sign_mistakes_are_named():
    def not_squared(theta, m, v, g, n, eta, beta1, beta2, eps):
        theta, m_new, _ = adam(theta, m, v, g, n, eta, beta1, beta2, eps)
        return theta, m_new, beta2 * v + (1 - beta2) * g

    def upward(theta, m, v, g, n, eta, beta1, beta2, eps):
        new, m_new, v_new = adam(theta, m, v, g, n, eta, beta1, beta2, eps)
        return 2 * theta - new, m_new, v_new

    assert "*squared* gradient" in " ".join(str(check_adam_step(not_squared, quiet=True)).split())
    assert "*up*" in str(check_adam_step(upward, quiet=True))


def test_a_wrong_shape_says_which_shape_and_why():
    def flat(theta, m, v, g, n, eta, beta1, beta2, eps):
        new, m_new, v_new = adam(theta, m, v, g, n, eta, beta1, beta2, eps)
        return new, m_new.ravel(), v_new

    text = " ".join(str(check_adam_step(flat, quiet=True)).split())
    assert "shape (6,), expected (2, 3)" in text and "shape of the parameter" in text


def test_a_wrong_return_type_is_explained():
    result = check_momentum_step(lambda th, m, g, eta, b: th - eta * g, quiet=True)
    text = " ".join(str(result).split())
    assert "expected a tuple (theta (output 0), m (output 1))" in text


def test_checker_inputs_are_not_modified_by_in_place_students():
    seen = []

    def records(theta, m, g, eta, beta):
        seen.append(theta.copy())
        theta -= 1.0  # in place on the checker's copy
        return theta, m

    check_momentum_step(records, quiet=True)
    check_momentum_step(records, quiet=True)
    np.testing.assert_array_equal(seen[0], seen[1])
