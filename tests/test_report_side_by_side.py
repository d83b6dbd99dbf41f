"""side_by_side prints matrices as matrices (rows and columns visible), vectors as columns."""

import numpy as np
import pytest

from rnnlib.report import side_by_side


def test_matrices_vectors_and_numbers_side_by_side():
    text = side_by_side({"M": np.array([[1.0, -2.0], [0.5, 0.0]]), "v": [3.0, -0.0], "s": 2.0})
    lines = text.splitlines()
    assert lines[0].split() == ["M", "v", "s"]
    assert lines[1].split() == ["[[", "1.0000", "-2.0000]", "[[3.0000]", "2.0000"]
    assert lines[2].split() == ["[", "0.5000", "0.0000]]", "[0.0000]]"]  # no "-0.0000"
    assert side_by_side({"x": [1.23456]}, digits=2).splitlines()[1] == "[[1.23]]"


@pytest.mark.parametrize(
    ("blocks", "kwargs", "error", "words"),
    [
        ({}, {}, TypeError, "non-empty mapping"),
        ([1.0], {}, TypeError, "non-empty mapping"),
        ({"T": np.zeros((2, 2, 2))}, {}, ValueError, "a number, a vector or a matrix"),
        ({"a": 1.0}, {"digits": 0}, ValueError, "digits"),
    ],
)
def test_bad_input_is_named(blocks, kwargs, error, words):
    with pytest.raises(error, match=words):
        side_by_side(blocks, **kwargs)
