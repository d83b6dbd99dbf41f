"""Checkers for notebook 05: one momentum step and one Adam step, for one array.

momentum:  m <- beta m + g;  theta <- theta - eta m
Adam:      m <- beta_1 m + (1 - beta_1) g;  v <- beta_2 v + (1 - beta_2) g^2
           m_hat = m / (1 - beta_1^n);  v_hat = v / (1 - beta_2^n)    (n: this update, 1, 2, ...)
           theta <- theta - eta m_hat / (sqrt(v_hat) + eps)

The student returns the new (theta, m) or (theta, m, v). The checker compares the
outputs in the order they are computed (the moments first, then theta) and names the
known mistakes in words: updating before accumulating, a missing bias correction,
epsilon inside the square root, the factors (1 - beta) left out or put on the wrong
term, the corrected moments stored as the state, ...
"""

from __future__ import annotations

import numpy as np

from .framework import CheckResult, check_student_fn, describe_difference, run_student


def _momentum(theta, m, g, eta, beta):
    m = beta * m + g
    return theta - eta * m, m


def _adam(theta, m, v, g, n, eta, beta1, beta2, eps, *, correct=(True, True), power=0):
    """Adam with switches for the mistakes: correct=(m, v) bias corrections applied,
    power: the exponent used is n + power."""
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    m_hat = m / (1 - beta1 ** (n + power)) if correct[0] else m
    v_hat = v / (1 - beta2 ** (n + power)) if correct[1] else v
    return theta - eta * m_hat / (np.sqrt(v_hat) + eps), m, v


def _compare(result, n, outputs, got, expected, mistakes, why):
    """Compare the student's tuple with the expected one, output by output in ``outputs``
    order (label, index); the first wrong output is reported with the hint of the known
    mistake it reproduces. True when everything matched."""
    size = len(expected)
    if not isinstance(got, tuple) or len(got) != size:
        names = ", ".join(label for label, _ in sorted(outputs, key=lambda o: o[1]))
        kind = f"a tuple of {len(got)}" if isinstance(got, tuple) else type(got).__name__
        result.fail([f"case {n}: expected a tuple ({names}), got {kind}"])
        return False
    for label, i in outputs:
        known = [(value, hint[0].upper() + hint[1:]) for value, hint in mistakes.get(i, ())]
        msg = describe_difference(label, got[i], expected[i], mistakes=known, why=why)
        if msg:
            result.fail([f"case {n}: {msg}"])
            return False
    return True


def _momentum_mistakes(theta, m, g, eta, beta):
    m_new = beta * m + g
    return {
        1: [
            (
                beta * m + (1 - beta) * g,
                "that is the averaged form m <- beta m + (1 - beta) g (Adam's); momentum here "
                "adds the whole gradient, m <- beta m + g, so that a constant gradient g gives "
                "steps of eta g / (1 - beta)",
            ),
            (
                m + beta * g,
                "beta multiplies the old m (the memory of past gradients), not the new "
                "gradient: m <- beta m + g",
            ),
        ],
        0: [
            (
                theta - eta * m,
                "you stepped with the old m: accumulate first (m <- beta m + g), then step "
                "with the new m, which already contains this gradient",
            ),
            (
                theta + eta * m_new,
                "you moved *up*: the step is theta - eta m, against the gradient",
            ),
            (theta - m_new, "the step must be scaled by the learning rate eta"),
            (
                theta - eta * g,
                "that is a plain gradient-descent step; with momentum the step is eta m, the "
                "accumulated direction",
            ),
        ],
    }


def check_momentum_step(student_fn, quiet=False) -> CheckResult:
    """student_fn(theta, m, g, eta, beta) -> (new theta, new m) for one array."""
    check_student_fn(student_fn, "student_fn")
    result = CheckResult("momentum step (outputs: theta, m)", True)
    for n, (seed, eta, beta) in enumerate(((0, 0.1, 0.9), (1, 0.05, 0.5)), start=1):
        rng = np.random.default_rng(seed)
        theta, m, g = (rng.normal(size=(3, 2)) for _ in range(3))
        args = (theta, m, g, eta, beta)
        ok, got = run_student(
            result,
            n,
            student_fn,
            theta.copy(),
            m.copy(),
            g.copy(),
            eta,
            beta,
            inputs={"theta": theta, "m": m, "g": g},
        )
        if not ok:
            break
        why = "theta, m and g all have the shape of the parameter, (3, 2)"
        outputs = [("m (output 1)", 1), ("theta (output 0)", 0)]
        if not _compare(result, n, outputs, got, _momentum(*args), _momentum_mistakes(*args), why):
            break
    return result.report(quiet)


SWAPPED = (
    "the first moment m decays with beta_1 and the second moment v with beta_2: you "
    "swapped the two factors"
)


def _adam_mistakes(theta, m, v, g, n, eta, beta1, beta2, eps):
    args = (theta, m, v, g, n, eta, beta1, beta2, eps)
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g * g
    m_hat, v_hat = m_new / (1 - beta1**n), v_new / (1 - beta2**n)
    step = m_hat / (np.sqrt(v_hat) + eps)
    # the step computed from the old moments (corrected with the same n), before this g
    m_old_hat, v_old_hat = m / (1 - beta1**n), v / (1 - beta2**n)
    stale = theta - eta * m_old_hat / (np.sqrt(v_old_hat) + eps)
    return {
        1: [
            (
                beta1 * m + g,
                "the first moment m must be an average: m <- beta_1 m + (1 - beta_1) g; "
                "without the factor (1 - beta_1) the new gradient counts fully and m grows "
                "towards g / (1 - beta_1)",
            ),
            (
                beta2 * m + (1 - beta2) * g,
                SWAPPED,
            ),
            (
                m_hat,
                "you returned the bias-corrected m_hat as the new state; keep the uncorrected "
                "m (the correction 1 / (1 - beta_1^n) is applied afresh at every update, only "
                "to compute the step)",
            ),
        ],
        2: [
            (
                beta2 * v + g * g,
                "the second moment v must be an average: v <- beta_2 v + (1 - beta_2) g^2; "
                "the factor (1 - beta_2) is missing",
            ),
            (
                beta2 * v + (1 - beta2) * g,
                "the second moment v averages the *squared* gradient: "
                "v <- beta_2 v + (1 - beta_2) g^2",
            ),
            (
                beta1 * v + (1 - beta1) * g * g,
                SWAPPED,
            ),
            (
                v_hat,
                "you returned the bias-corrected v_hat as the new state; keep the uncorrected "
                "v (the correction 1 / (1 - beta_2^n) is applied afresh at every update)",
            ),
        ],
        0: [
            (
                _adam(*args, correct=(False, False))[0],
                "the bias correction is missing: divide m by (1 - beta_1^n) and v by "
                "(1 - beta_2^n) before the step (m and v start at 0, so early on they are "
                "too small by exactly these factors)",
            ),
            (
                _adam(*args, correct=(False, True))[0],
                "the first moment m is not bias-corrected: m_hat = m / (1 - beta_1^n)",
            ),
            (
                _adam(*args, correct=(True, False))[0],
                "the second moment v is not bias-corrected: v_hat = v / (1 - beta_2^n)",
            ),
            (
                theta - eta * m_hat / np.sqrt(v_hat + eps),
                "epsilon is inside the square root: Adam divides by sqrt(v_hat) + eps, "
                "not sqrt(v_hat + eps)",
            ),
            (
                stale,
                "you stepped with the moments from before this gradient: update m and v with "
                "g first, then correct them and step",
            ),
            (
                theta - eta * m_hat / (v_hat + eps),
                "the square root is missing: divide by sqrt(v_hat) + eps (sqrt(v_hat) has the "
                "size of g, so the step does not depend on the scale of the gradient)",
            ),
            (
                _adam(*args, power=-1)[0],
                "off by one in the bias correction: update n divides by 1 - beta^n, you used "
                "n - 1 (n counts from 1 at the first update)",
            ),
            (
                _adam(*args, power=1)[0],
                "off by one in the bias correction: update n divides by 1 - beta^n, you used "
                "n + 1 (n counts from 1 at the first update)",
            ),
            (theta + eta * step, "you moved *up*: the step is theta - eta m_hat / (...)"),
            (theta - step, "the step must be scaled by the learning rate eta"),
        ],
    }


#: (seed, n, eta, beta_1, beta_2, eps, scale of g): a mid-run update with non-zero moments
#: first, then the very first update, then one where eps is not negligible
ADAM_CASES = (
    (0, 3, 0.01, 0.9, 0.999, 1e-8, 1.0),
    (1, 1, 0.1, 0.9, 0.999, 1e-8, 1.0),
    (2, 5, 0.05, 0.8, 0.99, 1e-2, 0.02),
)


def check_adam_step(student_fn, quiet=False) -> CheckResult:
    """student_fn(theta, m, v, g, n, eta, beta1, beta2, eps) -> (new theta, new m, new v)
    for one array; n = 1, 2, ... is the number of this update."""
    check_student_fn(student_fn, "student_fn")
    result = CheckResult("Adam step (outputs: theta, m, v)", True)
    for k, (seed, n, eta, beta1, beta2, eps, scale) in enumerate(ADAM_CASES, start=1):
        rng = np.random.default_rng(seed)
        theta, g = rng.normal(size=(2, 3)), scale * rng.normal(size=(2, 3))
        if n == 1:
            m, v = np.zeros((2, 3)), np.zeros((2, 3))
        else:
            m, v = scale * rng.normal(size=(2, 3)), scale**2 * rng.random((2, 3))
        args = (theta, m, v, g, n, eta, beta1, beta2, eps)
        ok, got = run_student(
            result,
            k,
            student_fn,
            theta.copy(),
            m.copy(),
            v.copy(),
            g.copy(),
            *args[4:],
            inputs={"theta": theta, "m": m, "v": v, "g": g},
        )
        if not ok:
            break
        why = "theta, m, v and g all have the shape of the parameter, (2, 3)"
        outputs = [("m (output 1)", 1), ("v (output 2)", 2), ("theta (output 0)", 0)]
        with np.errstate(all="ignore"):  # a mistake may divide by 1 - beta^0 = 0
            mistakes = _adam_mistakes(*args)
        if not _compare(result, k, outputs, got, _adam(*args), mistakes, why):
            break
    return result.report(quiet)
