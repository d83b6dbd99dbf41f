"""Tests for rnnlib.checks.longterm: the gated-Jacobian checker accepts the reference,
names the wrong entry and recognises the classic slips."""

import re

import numpy as np

from rnnlib import gated
from rnnlib.checks.longterm import check_gated_jacobian, reference_jacobian


def test_reference_equals_the_library_jacobian():
    p = gated.init_gated_params(2, 4, 1, seed=3, gate_bias=-0.5)
    xs = np.random.default_rng(0).normal(size=(5, 2))
    tr = gated.gated_forward(p, xs)
    J = gated.gated_jacobians(p, tr)
    t = 3
    ref = reference_jacobian(
        tr.us[t - 1, 0], tr.cs[t - 1, 0], tr.hs[t - 1, 0], p["W_hh"], p["W_hu"]
    )
    assert np.allclose(ref, J[t - 1])


def test_accepts_the_reference(capsys):
    assert check_gated_jacobian(reference_jacobian).passed
    assert "correct" in capsys.readouterr().out


def test_names_a_transposed_matrix(capsys):
    res = check_gated_jacobian(lambda *a: reference_jacobian(*a).T)
    out = capsys.readouterr().out
    assert not res.passed and "entry [" in out and "transpose" in out


def test_names_a_missing_leak_term(capsys):
    res = check_gated_jacobian(
        lambda u, c, h, Whh, Whu: reference_jacobian(u, c, h, Whh, Whu) - np.diag(1 - u)
    )
    out = capsys.readouterr().out
    assert not res.passed and "leak term" in out
    assert re.search(r"entry \[(\d), \1\]", out)  # a diagonal entry is named


def test_names_a_missing_gate_term(capsys):
    def no_gate(u, c, h, W_hh, W_hu):
        return np.diag(1 - u) + (u * (1 - c**2))[:, None] * W_hh

    res = check_gated_jacobian(no_gate)
    assert not res.passed and "gate term" in capsys.readouterr().out


def test_unfinished_and_wrong_shape(capsys):
    def todo(*a):
        raise NotImplementedError

    assert not check_gated_jacobian(todo).passed
    assert "not implemented yet" in capsys.readouterr().out
    assert not check_gated_jacobian(lambda u, *a: np.zeros(len(u))).passed
    assert "expected an (3, 3) array" in capsys.readouterr().out
