"""The notebook-05 checkers accept correct steps and explain the usual slips."""

import numpy as np

from rnnlib.checks.training import check_momentum_step, check_sgd_step


def test_sgd_step_correct_returned_or_in_place():
    assert check_sgd_step(lambda p, g, eta: {k: p[k] - eta * g[k] for k in p}, quiet=True).passed

    def in_place(p, g, eta):
        for k in p:
            p[k] -= eta * g[k]

    assert check_sgd_step(in_place, quiet=True).passed


def test_sgd_step_sign_error_gets_a_hint():
    result = check_sgd_step(lambda p, g, eta: {k: p[k] + eta * g[k] for k in p}, quiet=True)
    assert not result.passed
    assert "moved *up* the gradient" in str(result)


def test_sgd_step_forgotten_learning_rate_gets_a_hint():
    result = check_sgd_step(lambda p, g, eta: {k: p[k] - g[k] for k in p}, quiet=True)
    assert "learning rate" in str(result)


def test_sgd_step_names_the_parameter_left_out():
    def skips_b_y(p, g, eta):
        return {k: (p[k] - eta * g[k] if k != "b_y" else p[k]) for k in p}

    result = check_sgd_step(skips_b_y, quiet=True)
    assert not result.passed
    assert "b_y differs" in str(result) and "W_hh" not in str(result)


def test_not_implemented_prints_and_does_not_raise(capsys):
    def todo(*args):
        raise NotImplementedError

    assert not check_sgd_step(todo).passed
    assert not check_momentum_step(todo).passed
    assert capsys.readouterr().out.count("not implemented yet") == 2


def test_momentum_step():
    def good(theta, v, g, eta, beta):
        v = beta * v + g
        return theta - eta * v, v

    def uses_old_velocity(theta, v, g, eta, beta):
        return theta - eta * v, beta * v + g

    assert check_momentum_step(good, quiet=True).passed
    result = check_momentum_step(uses_old_velocity, quiet=True)
    assert not result.passed
    assert "output 0 differs" in str(result)


def test_checker_inputs_are_not_modified_by_in_place_students():
    seen = []

    def records(theta, v, g, eta, beta):
        seen.append(theta.copy())
        theta -= 1.0  # in place on the checker's copy
        return theta, v

    check_momentum_step(records, quiet=True)
    check_momentum_step(records, quiet=True)
    np.testing.assert_array_equal(seen[0], seen[1])
