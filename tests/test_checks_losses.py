import numpy as np
import pytest

from rnnlib import sigmoid
from rnnlib.checks.losses import check_sigmoid_mse_grad, check_softmax_ce_grad


def stable(ys, labels):
    e = np.exp(ys - ys.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    p[np.arange(len(labels)), labels] -= 1
    return p


def test_correct_gradient_passes():
    assert check_softmax_ce_grad(stable, quiet=True).passed


def test_wrong_step_is_named():
    def wrong_at_t2(ys, labels):
        g = stable(ys, labels)
        g[1] *= 2
        return g

    r = check_softmax_ce_grad(wrong_at_t2, quiet=True)
    assert not r.passed and "first wrong at time step t = 2" in r.messages[0]


def test_naive_softmax_fails_on_large_logits_with_a_hint():
    def naive(ys, labels):
        e = np.exp(ys)
        p = e / e.sum(axis=1, keepdims=True)
        p[np.arange(len(labels)), labels] -= 1
        return p

    r = check_softmax_ce_grad(naive, quiet=True)
    assert not r.passed and r.messages[0].startswith("case 3")
    assert "subtract max" in r.messages[0]


def test_forgotten_one_hot_and_unfinished(capsys):
    def probs_only(ys, labels):
        e = np.exp(ys - ys.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    assert not check_softmax_ce_grad(probs_only, quiet=True).passed

    def not_done(ys, labels):
        raise NotImplementedError

    r = check_softmax_ce_grad(not_done)
    assert "not implemented yet" in capsys.readouterr().out and not r.passed


@pytest.mark.parametrize(
    ("student", "words"),
    [
        (lambda ys, labels: -stable(ys, labels), "Wrong sign"),
        (lambda ys, labels: stable(ys, labels) / len(ys), "not a mean"),
        (lambda ys, labels: stable(ys, labels) + np.eye(ys.shape[1])[labels], "one-hot"),
    ],
)
def test_softmax_ce_names_each_taught_mistake(student, words):
    r = check_softmax_ce_grad(student, quiet=True)
    assert not r.passed and words in r.messages[0]


def test_softmax_ce_wrong_shape_says_which_and_why():
    r = check_softmax_ce_grad(lambda ys, labels: stable(ys, labels).sum(axis=1), quiet=True)
    assert "shape (4,), expected (4, 3): dL/dy_t has the shape of ys, (T, O)" in r.messages[0]


def sigmoid_mse_grad(ys, targets, bug=None):
    T = len(ys)
    p = sigmoid(ys)
    d = p * (1 - p)  # sigma'(y_t)
    return {
        None: 2 / T * (p - targets) * d,
        "no_derivative": 2 / T * (p - targets),
        "half_sum": (p - targets) * d,
        "no_1_over_T": 2 * (p - targets) * d,
        "logit": 2 / T * (ys - targets) * d,
        "sigmoid_twice": 2 / T * (p - targets) * sigmoid(p) * (1 - sigmoid(p)),
        "flat": (2 / T * (p - targets) * d).ravel(),
    }[bug]


def test_sigmoid_mse_correct_and_unfinished():
    assert check_sigmoid_mse_grad(sigmoid_mse_grad, quiet=True).passed

    def not_done(ys, targets):
        raise NotImplementedError

    assert "not implemented yet" in str(check_sigmoid_mse_grad(not_done, quiet=True))


@pytest.mark.parametrize(
    ("bug", "words"),
    [
        ("no_derivative", "derivative does not cancel"),
        ("half_sum", "factor 2/T"),
        ("no_1_over_T", "2/T, not 2"),
        ("logit", "the prediction y_hat_t = sigma(y_t)"),
        ("sigmoid_twice", "a second time"),
    ],
)
def test_sigmoid_mse_names_each_taught_mistake(bug, words):
    r = check_sigmoid_mse_grad(lambda ys, t: sigmoid_mse_grad(ys, t, bug), quiet=True)
    assert not r.passed
    assert r.messages[0].startswith("case 1 (T = 4): dL/dy_t: first wrong at time step t = 1")
    assert words in r.messages[0]


def test_sigmoid_mse_wrong_shape_says_which_and_why():
    r = check_sigmoid_mse_grad(lambda ys, t: sigmoid_mse_grad(ys, t, "flat"), quiet=True)
    assert "shape (4,), expected (4, 1): dL/dy_t has the shape of ys, (T, O)" in r.messages[0]
