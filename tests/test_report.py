"""rnnlib.report: numbers with a fixed number of significant digits, aligned tables."""

import numpy as np
import pytest

from rnnlib.report import fmt, table


@pytest.mark.parametrize(
    "value, expected",
    [
        (0, "0"),
        (0.0, "0"),
        (1234.5678, "1235"),
        (12345.678, "1.235e+04"),  # the general format: 5 digits before the point
        (-0.5, "-0.5"),
        (0.001, "0.001"),
        (0.00099, "9.900e-04"),
        (99999.0, "1e+05"),
        (123456.0, "1.235e+05"),
        (3, "3"),
        (True, "1"),
        (np.float32(0.25), "0.25"),
        (float("nan"), "nan"),
        (float("-inf"), "-inf"),
        ("text", "text"),
        ([1.0, 0.5], "[1, 0.5]"),
        (np.array([[1e-5], [2.0]]), "[1.000e-05, 2]"),
    ],
)
def test_fmt(value, expected):
    assert fmt(value) == expected


def test_fmt_digits():
    assert fmt(np.pi, digits=2) == "3.1" and fmt(np.pi, digits=6) == "3.14159"
    assert fmt(1e-7, digits=2) == "1.0e-07"


@pytest.mark.parametrize("bad", [None, object(), {"a": 1}, 1j])
def test_fmt_rejects_what_is_not_a_number(bad):
    with pytest.raises(TypeError, match="table cell"):
        fmt(bad)


def test_fmt_rejects_bad_digits():
    with pytest.raises(ValueError, match="digits"):
        fmt(1.0, digits=0)


def test_table_aligns_columns_right_under_their_headers():
    out = table([["a", 1.0, 0.00001], ["long name", 12345.678, 2]], ["name", "x", "y"])
    assert out.splitlines() == [
        "     name          x          y",
        "---------  ---------  ---------",
        "        a          1  1.000e-05",
        "long name  1.235e+04          2",
    ]


def test_table_without_rows_is_the_header():
    assert table([], ["T", "loss"]) == "T  loss\n-  ----"


def test_table_names_a_row_of_the_wrong_length():
    with pytest.raises(ValueError, match=r"row 1 has 1 cells but there are 2 headers \(T, loss\)"):
        table([[1, 2], [3]], ["T", "loss"])
