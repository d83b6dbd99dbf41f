"""Checkers for notebook 02: output gradients dL/dy_t for one sequence of logits.

    softmax_ce_grad(ys, labels) -> dys (T, O),   L = -sum_t log softmax(y_t)[label_t]
    sigmoid_mse_grad(ys, targets) -> dys (T, O), L = (1/T) sum_t ||sigmoid(y_t) - target_t||^2

Each compares with rnnlib's loss, names the first time step whose gradient is wrong and,
when the answer reproduces a taught mistake (the one-hot target or the output's
derivative forgotten, the half-sum form's gradient for the mean form, ...), says which.
"""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid
from ..losses import sigmoid_mse, softmax, softmax_ce
from ._steps import first_wrong_step, run_student
from .framework import CheckResult, check_student_fn, mistakes_for

NO_ONE_HOT = (
    "You returned the softmax itself: subtract the one-hot target, dL/dy_t = "
    "softmax(y_t) - onehot(c_t)"
)
WRONG_SIGN = "Wrong sign: the gradient is prediction minus target, softmax(y_t) - onehot(c_t)"
MEAN_NOT_SUM = "This loss is a sum over the steps, not a mean: no factor 1/T"
NO_SIGMOID_DERIVATIVE = (
    "You left out sigma'(y_t): with a squared error the output's derivative does not cancel "
    "(it does for sigmoid with cross-entropy), so dL/dy_t = (2/T)(y_hat_t - y*_t) "
    "sigma'(y_t)"
)
HALF_SUM_GRADIENT = (
    "That is the gradient of the half-sum form (1/2) sum_t; this loss is the mean "
    "(1/T) sum_t, whose gradient carries the factor 2/T (see ERRATA.md, entry 7)"
)
NO_ONE_OVER_T = "The mean divides by T: the gradient carries 2/T, not 2"
HALF_SUM_AND_NO_DERIVATIVE = HALF_SUM_GRADIENT + ". " + NO_SIGMOID_DERIVATIVE
LOGIT_NOT_PREDICTION = (
    "You compared the logit y_t with the target; the loss compares the prediction "
    "y_hat_t = sigma(y_t)"
)
SIGMOID_TWICE = (
    "sigma'(y_t) = y_hat_t (1 - y_hat_t) with y_hat_t = sigma(y_t); you applied the sigmoid "
    "a second time, sigma(y_hat_t)(1 - sigma(y_hat_t))"
)


def _cases():
    rng = np.random.default_rng(3)
    cases = []
    for T, O, scale in [
        (4, 3, 1.0),
        (5, 4, 3.0),
        (3, 5, 1000.0),
    ]:  # the last: logits in the thousands
        ys = rng.normal(0, scale, size=(T, O))
        labels = rng.integers(0, O, size=T)
        cases.append((ys, labels))
    return cases


def _softmax_ce_mistakes(ys, labels):
    T, O = ys.shape
    p, onehot = softmax(ys), np.eye(O)[labels]
    return mistakes_for(
        (lambda: p, NO_ONE_HOT),
        (lambda: onehot - p, WRONG_SIGN),
        (lambda: (p - onehot) / T, MEAN_NOT_SUM),
    )


def _output_gradient_case(result, n, student_fn, ys, second, name, expected, mistakes):
    """Run student_fn(ys, second) for case n and compare with expected (T, O), naming the
    first wrong step and the taught mistake it reproduces. Returns the message or None."""
    T, O = ys.shape
    inputs = {"ys": ys, name: second}
    ok, got = run_student(result, n, student_fn, ys.copy(), second.copy(), inputs=inputs)
    if not ok:
        return "stop"
    why = f"dL/dy_t has the shape of ys, (T, O) = ({T}, {O}): one gradient per logit"
    return first_wrong_step("dL/dy_t", got, expected, 1, mistakes=mistakes, why=why)


def check_softmax_ce_grad(softmax_ce_grad, quiet=False) -> CheckResult:
    """Compare softmax_ce_grad(ys, labels) -> dL/dy (T, O) with rnnlib.softmax_ce.

    The last case has logits in the thousands: a naive exp() overflows there.
    """
    check_student_fn(softmax_ce_grad, "softmax_ce_grad")
    result = CheckResult("softmax cross-entropy dL/dy_t", True)
    for n, (ys, labels) in enumerate(_cases(), start=1):
        _, expected = softmax_ce(ys, labels)
        mistakes = _softmax_ce_mistakes(ys, labels)
        msg = _output_gradient_case(
            result, n, softmax_ce_grad, ys, labels, "labels", expected, mistakes
        )
        if msg == "stop":
            break
        if msg is not None:
            if n == 3 and ("nan" in msg.lower() or "inf" in msg):
                msg += " (logits in the thousands: subtract max_j y_tj before exp)"
            result.fail([f"case {n}: {msg}"])
            break
    return result.report(quiet)


def _sigmoid_mse_mistakes(ys, targets):
    T = len(ys)
    p = sigmoid(ys)
    d = p * (1 - p)  # sigma'(y_t)
    return mistakes_for(
        (lambda: 2 / T * (p - targets), NO_SIGMOID_DERIVATIVE),
        (lambda: (p - targets) * d, HALF_SUM_GRADIENT),
        (lambda: 2 * (p - targets) * d, NO_ONE_OVER_T),
        (lambda: p - targets, HALF_SUM_AND_NO_DERIVATIVE),
        (lambda: 2 / T * (ys - targets) * d, LOGIT_NOT_PREDICTION),
        (lambda: 2 / T * (p - targets) * sigmoid(p) * (1 - sigmoid(p)), SIGMOID_TWICE),
    )


def check_sigmoid_mse_grad(sigmoid_mse_grad, quiet=False) -> CheckResult:
    """Compare sigmoid_mse_grad(ys, targets) -> dL/dy (T, O) with rnnlib.sigmoid_mse
    (mean form: L = (1/T) sum_t ||sigmoid(y_t) - target_t||^2)."""
    check_student_fn(sigmoid_mse_grad, "sigmoid_mse_grad")
    result = CheckResult("sigmoid + squared error dL/dy_t", True)
    rng = np.random.default_rng(6)
    for n, (T, O) in enumerate([(4, 1), (5, 3), (3, 2)], start=1):  # T != 2: 2/T != 1
        ys = rng.normal(0, 2.0, size=(T, O))
        targets = rng.uniform(0, 1, size=(T, O))
        _, expected = sigmoid_mse(ys, targets)
        mistakes = _sigmoid_mse_mistakes(ys, targets)
        msg = _output_gradient_case(
            result, n, sigmoid_mse_grad, ys, targets, "targets", expected, mistakes
        )
        if msg == "stop" or result.fail([f"case {n} (T = {T}): {msg}"] if msg else []):
            break
    return result.report(quiet)
