"""Checkers for notebook 05: one gradient-descent step and one momentum step.

gradient descent:  theta <- theta - eta dL/dtheta      (every parameter)
momentum:          v <- beta v + g;  theta <- theta - eta v
"""

from __future__ import annotations

import numpy as np

from .._validate import PARAM_NAMES
from ..params import init_params
from .framework import CheckResult, check


def _sgd_case(seed, eta):
    rng = np.random.default_rng(seed)
    params = init_params(2, 3, 1, seed=seed, scheme="xavier")
    params["b_h"] = rng.normal(size=3)
    grads = {k: rng.normal(size=v.shape) for k, v in params.items()}
    expected = {k: params[k] - eta * grads[k] for k in PARAM_NAMES}
    return params, grads, expected


def _copying(fn):
    """Call the student's function on copies, so an in-place update does not change
    the case's arrays; return the updated dict (theirs, or the mutated copy)."""

    def wrapped(params, grads, eta):
        mine = {k: np.array(v, copy=True) for k, v in params.items()}
        out = fn(mine, {k: np.array(v, copy=True) for k, v in grads.items()}, eta)
        return mine if out is None else out

    return wrapped


def _hint_sgd(student_fn, result):
    """After a wrong answer, recognise the two usual slips."""
    params, grads, _ = _sgd_case(0, 0.1)
    try:
        got = _copying(student_fn)(params, grads, 0.1)
        up = all(np.allclose(got[k], params[k] + 0.1 * grads[k]) for k in PARAM_NAMES)
        no_eta = all(np.allclose(got[k], params[k] - grads[k]) for k in PARAM_NAMES)
    except Exception:  # the message from check() already says what happened
        return
    if up:
        result.messages.append("hint: you moved *up* the gradient; subtract eta * dL/dtheta")
    elif no_eta:
        result.messages.append("hint: the step must be scaled by the learning rate eta")


def check_sgd_step(student_fn, quiet=False) -> CheckResult:
    """student_fn(params, grads, eta) -> updated params {name: array} (or None when
    it updates ``params`` in place); every one of the five parameters must move."""
    cases = []
    for seed, eta in ((0, 0.1), (1, 0.03)):
        params, grads, expected = _sgd_case(seed, eta)
        cases.append(((params, grads, eta), expected))
    result = check("gradient descent step", _copying(student_fn), cases, quiet=True)
    if not result.passed:
        _hint_sgd(student_fn, result)
    return result.report(quiet)


def check_momentum_step(student_fn, quiet=False) -> CheckResult:
    """student_fn(theta, v, g, eta, beta) -> (new theta, new v) for one array."""
    cases = []
    for seed, eta, beta in ((0, 0.1, 0.9), (1, 0.05, 0.5)):
        rng = np.random.default_rng(seed)
        theta, v, g = (rng.normal(size=(3, 2)) for _ in range(3))
        v_new = beta * v + g
        cases.append(((theta, v, g, eta, beta), (theta - eta * v_new, v_new)))

    def copying(theta, v, g, eta, beta):
        return student_fn(theta.copy(), v.copy(), g.copy(), eta, beta)

    result = check("momentum step (output 0: theta, output 1: v)", copying, cases, quiet=True)
    return result.report(quiet)
