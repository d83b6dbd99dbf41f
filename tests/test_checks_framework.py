"""The generic exercise checker: precise, never raising, honest about unfinished work."""

import importlib
import warnings

import numpy as np
import pytest

from rnnlib.checks.framework import CheckResult, check, describe_difference, matches, run_student


def reference(xs):
    return np.cumsum(xs, axis=0)


CASES = [
    ((np.arange(12.0).reshape(4, 3),), reference(np.arange(12.0).reshape(4, 3))),
    ((np.ones((5, 2)),), reference(np.ones((5, 2)))),
]


def test_correct_answer_passes_and_prints_correct(capsys):
    result = check("cumsum", reference, CASES, time_axis=("result",))
    assert result.passed and result.messages == []
    assert capsys.readouterr().out.strip() == "cumsum: correct"


def test_planted_error_reports_time_step_and_entry(capsys):
    def student(xs):
        out = reference(xs)
        out[2, 1] += 0.5  # wrong at time step t = 3, entry [1]
        return out

    result = check("cumsum", student, CASES, time_axis=("result",))
    assert not result.passed
    msg = result.messages[0]
    assert "case 1: result differs at time step t = 3, entry [1]" in msg
    assert "got 12.5, expected 12" in msg and "1 of 12 entries wrong" in msg
    assert "not correct yet" in capsys.readouterr().out


def test_without_time_axis_the_entry_is_given_in_full():
    def student(xs):
        out = reference(xs)
        out[3, 0] = -1.0
        return out

    result = check("cumsum", student, CASES, quiet=True)
    assert "result differs, entry [3, 0]: got -1, expected 18" in result.messages[0]


def test_not_implemented_is_reported_not_raised(capsys):
    def student(xs):
        raise NotImplementedError  # your code here

    result = check("cumsum", student, CASES)
    assert not result.passed
    assert "not implemented yet" in result.messages[0]
    assert "not implemented yet" in capsys.readouterr().out


@pytest.mark.parametrize(
    "exc",
    [
        ZeroDivisionError("division by zero"),
        ValueError("bad shape"),
        IndexError("index 9 is out of bounds"),
    ],
)
def test_exceptions_are_reported_not_raised(exc):
    def student(xs):
        raise exc

    result = check("cumsum", student, CASES, quiet=True)
    assert not result.passed
    assert result.messages == [f"case 1: your function raised {type(exc).__name__}: {exc}"]


def test_none_return_is_reported():
    result = check("cumsum", lambda xs: None, CASES, quiet=True)
    assert not result.passed
    assert "got None (did you forget to return it?)" in result.messages[0]


def test_wrong_shape_nan_and_non_array():
    r = check("cumsum", lambda xs: reference(xs)[:-1], CASES, quiet=True)
    assert "shape (3, 3), expected (4, 3)" in r.messages[0]
    r = check("cumsum", lambda xs: reference(xs) * np.nan, CASES, quiet=True)
    assert "contains NaN or inf" in r.messages[0]
    r = check("cumsum", lambda xs: "hello", CASES, quiet=True)
    assert "expected an array of real numbers, got str 'hello'" in r.messages[0]


def test_second_case_failure_is_named():
    def student(xs):  # right on the first case only
        return reference(xs) if xs.shape == (4, 3) else reference(xs) + 1

    r = check("cumsum", student, CASES, quiet=True)
    assert not r.passed and r.messages[0].startswith("case 2: ")


def test_dict_and_tuple_outputs():
    def ref(x):
        return {"h": np.tanh(x), "dh": 1 - np.tanh(x) ** 2}

    x = np.linspace(-1, 1, 6).reshape(3, 2)
    cases = [((x,), ref(x))]
    assert check("dict", ref, cases, quiet=True).passed

    def wrong(x):
        out = ref(x)
        out["dh"] = out["dh"].copy()
        out["dh"][1, 0] += 1e-3
        return out

    r = check("dict", wrong, cases, time_axis=("dh",), quiet=True)
    assert "dh differs at time step t = 2, entry [0]" in r.messages[0]
    r = check("dict", lambda x: {"h": np.tanh(x)}, cases, quiet=True)
    assert "dh: got None" in r.messages[0]
    r = check("dict", lambda x: [1, 2], cases, quiet=True)
    assert "expected a dict with keys ['dh', 'h'], got list" in r.messages[0]

    tcases = [((x,), (np.tanh(x), x**2))]
    assert check("tuple", lambda x: (np.tanh(x), x**2), tcases, quiet=True).passed
    r = check("tuple", lambda x: (np.tanh(x), x**3), tcases, time_axis=(1,), quiet=True)
    assert "output 1 differs at time step t = 1, entry [0]" in r.messages[0]
    r = check("tuple", lambda x: np.tanh(x), tcases, quiet=True)
    assert "expected a tuple of 2 values, got ndarray" in r.messages[0]


def test_tolerance_of_describe_difference():
    e = np.array([1.0, 2.0, 3.0])
    assert describe_difference("x", e * (1 + 1e-9), e) is None
    assert describe_difference("x", e + 1e-3, e) is not None
    assert describe_difference("x", [1, 2, 3], e) is None  # lists are fine


def test_check_result_str():
    r = CheckResult("demo", False, ["case 1: something"])
    assert str(r) == "demo: not correct yet\n  - case 1: something"


def test_long_feedback_wraps_at_word_boundaries():
    words = [f"word{i}" for i in range(60)]
    r = CheckResult("demo", False, [" ".join(words)])
    lines = str(r).splitlines()
    assert len(lines) > 2 and all(len(line) <= 88 for line in lines)
    assert " ".join(" ".join(lines[1:]).split()[1:]) == " ".join(words)  # no word cut


def test_a_known_mistake_is_named_in_words():
    expected = np.arange(6.0).reshape(2, 3)
    transposed = expected.T.copy()
    msg = describe_difference(
        "dW", expected[::-1], expected, mistakes=[(expected[::-1], "rows swapped: hint")]
    )
    assert msg.endswith("rows swapped: hint")
    msg = describe_difference(
        "dW", transposed, expected, why="dW has the shape of W", mistakes=[(transposed, "T!")]
    )
    assert msg == "dW: shape (3, 2), expected (2, 3): dW has the shape of W. T!"


def test_a_shape_error_inside_the_student_function_lists_the_input_shapes():
    r = CheckResult("demo", True)
    ok, _ = run_student(
        r,
        1,
        lambda a, b: a @ b,
        np.ones((3, 2)),
        np.ones(3),
        inputs={"W": np.ones((3, 2)), "h": np.ones(3)},
    )
    assert not ok
    assert "It was given W (3, 2), h (3,)" in r.messages[0]
    # numpy's gufunc wording is replaced by what it means
    assert "a matrix product A @ B does not fit: A has 2 columns but B has 3 rows" in r.messages[0]
    assert "matmul" not in r.messages[0]


def test_complex_results_are_not_read_as_their_real_part():
    """np.asarray(got, dtype=float) would drop the imaginary part (with only a warning)
    and call a complex answer correct."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        msg = describe_difference("h_t", np.ones(2) + 1j, np.ones(2))
        assert not matches(np.ones(2) + 1j, np.ones(2))
    assert (
        msg
        == "h_t: expected an array of real numbers, got an array of shape (2,) and dtype complex128"
    )


CHECKERS = [
    ("backward", "check_step_backward"),
    ("backward", "check_backward_loop"),
    ("charlm", "check_train_step"),
    ("charlm", "check_unigram_entropy"),
    ("clipping", "check_clip_by_norm"),
    ("forward", "check_step_forward"),
    ("forward", "check_forward_loop"),
    ("gradients", "check_dW_hh"),
    ("gradients", "check_input_gradients"),
    ("longterm", "check_gated_step_backward"),
    ("losses", "check_softmax_ce_grad"),
    ("losses", "check_sigmoid_mse_grad"),
    ("training", "check_momentum_step"),
    ("training", "check_adam_step"),
    ("truncation", "check_reach"),
    ("truncation", "check_detached"),
    ("vanishing", "check_jacobian_product"),
]
STRANGE_RESULTS = {
    "a ragged list": [[1.0, 2.0], [3.0]],
    "complex numbers": np.ones((3, 3)) * 1j,
    "a string": "h_t",
    "a tuple with a ragged list": ([[1.0, 2.0], [3.0]], 1j),
    "a dict of ragged lists": dict.fromkeys(
        ["dz", "W_xh", "W_hh", "b_h", "dh_prev", "W_hy", "b_y", "h0", "W_xu", "W_hu", "b_u"],
        [[1.0, 2.0], [3.0]],
    ),
}


@pytest.mark.parametrize("module, name", CHECKERS)
def test_checkers_judge_any_result_without_raising(module, name):
    """Whatever the student's function returns, the checker says it is not correct
    (a notebook runs on), without a warning in the output."""
    checker = getattr(importlib.import_module(f"rnnlib.checks.{module}"), name)
    for what, value in STRANGE_RESULTS.items():
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            result = checker(lambda *args, value=value: value, quiet=True)
        assert not result.passed and result.messages, what
