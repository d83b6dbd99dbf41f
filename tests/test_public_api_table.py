"""Every public function of rnnlib refuses bad input clearly: one table, one row per case.

A row is (public name, call, expected exception, words the message must contain: the
argument, what was expected, what was given). Every row must raise exactly ValueError or
TypeError (not a numpy subclass such as LinAlgError or AxisError), from rnnlib's own
code, without warnings. Every callable in ``rnnlib.__all__`` needs at least one row:
``test_every_public_function_has_a_row`` fails for a new function until it gets one.

The public functions of the other modules students and notebooks call (rnnlib.text,
rnnlib.charlm, rnnlib.gated, ...) have a table of their own, MODULE_ROWS, whose names
are "module.function" (module relative to rnnlib).

Result types (Trace, Gradients, GradCheck) are exercised through the functions that
receive them. Rows marked ``known`` document a gap that is still open: they are
expected to fail (strictly: once the gap is closed, the marker must go).
"""

from __future__ import annotations

import importlib
import inspect
import traceback
import warnings
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest

import rnnlib
from rnnlib import charlm, cliff, experiments, gated, report, text, truncation, vanishing
from rnnlib.checks import backward as checks_backward
from rnnlib.checks import charlm as checks_charlm
from rnnlib.checks import clipping as checks_clipping
from rnnlib.checks import forward as checks_forward
from rnnlib.checks import framework as checks_framework
from rnnlib.checks import gradients as checks_gradients
from rnnlib.checks import longterm as checks_longterm
from rnnlib.checks import losses as checks_losses
from rnnlib.checks import training as checks_training
from rnnlib.checks import truncation as checks_truncation
from rnnlib.checks import vanishing as checks_vanishing
from rnnlib.widgets.charlm import SamplingExplorer
from rnnlib.widgets.clipping import ClippingExplorer
from rnnlib.widgets.training import LearningRateExplorer
from rnnlib.widgets.truncation import TruncationExplorer
from rnnlib.widgets.unroll import UnrollExplorer
from rnnlib.widgets.vanishing import VanishingExplorer

RNNLIB_DIR = Path(rnnlib.__file__).resolve().parent

D, H, O, T, B = 3, 4, 2, 5, 2
P = rnnlib.init_params(D, H, O, seed=0, scheme="xavier")
XS = np.random.default_rng(0).normal(size=(T, B, D))
TRACE = rnnlib.forward(P, XS)
TRACE1 = rnnlib.forward(P, XS[:, 0])
YS = TRACE.ys
DYS = np.ones(YS.shape)
GRADS = rnnlib.bptt(P, TRACE, DYS)
LABELS = np.zeros((T, B), dtype=int)
_, CACHE = rnnlib.step_forward(XS[0], np.zeros((B, H)), P)


def params():
    """A fresh copy (calls that would update in place get their own)."""
    return rnnlib.copy_params(P)


def ones_like_params(H=H):
    return {k: np.ones_like(v) for k, v in rnnlib.init_params(D, H, O).items()}


def mse0(ys):
    return rnnlib.mse(ys, np.zeros_like(ys))


def probs(bad):
    q = np.full((T, B, O), 1.0 / O)
    q[1, 0] = bad
    return q


def used_adam():
    opt = rnnlib.Adam(0.1)
    opt.step(rnnlib.init_params(D, H, O), ones_like_params())
    return opt


class Row(NamedTuple):
    name: str  # the public name the row exercises
    call: object  # a function of no arguments
    exc: type
    words: tuple[str, ...]
    known: str | None = None  # an open gap: why the row still fails


def row(name, call, exc, *words, known=None):
    return Row(name, call, exc, words, known)


R = rnnlib
ROWS = [
    # --- parameters -------------------------------------------------------------------
    row("init_params", lambda: R.init_params(2, 0, 1), ValueError, "n_hidden", ">= 1", "0"),
    row("init_params", lambda: R.init_params(2, 3, 1, dtype=int), TypeError, "dtype", "int64"),
    row("init_params", lambda: R.init_params(2, 3, 1, seed=-1), ValueError, "seed", ">= 0", "-1"),
    row(
        "init_params",
        lambda: R.init_params(2, 3, 1, scale=0, radius=0.9),
        ValueError,
        "radius=0.9",
        "scale=0",
    ),
    row("init_params", lambda: R.init_params(2, 3, 1, scheme="he"), ValueError, "scheme", "'he'"),
    row(
        "init_params",
        lambda: R.init_params(2, 3, 1, scheme="xavier", scale=0.1),
        ValueError,
        "scale",
        "not used by scheme='xavier'",
        "0.1",
    ),
    row("copy_params", lambda: R.copy_params([1, 2]), TypeError, "params", "mapping", "list"),
    row(
        "copy_params",
        lambda: R.copy_params({k: v for k, v in P.items() if k != "b_y"}),
        ValueError,
        "params is missing b_y",
    ),
    row("sigma_max", lambda: R.sigma_max(np.ones(3)), ValueError, "W", "matrix", "(3,)"),
    row("sigma_max", lambda: R.sigma_max([["a"]]), TypeError, "W", "numeric", "list"),
    row(
        "spectral_radius",
        lambda: R.spectral_radius(np.ones((2, 3))),
        ValueError,
        "W",
        "square",
        "(2, 3)",
    ),
    row(
        "spectral_radius",
        lambda: R.spectral_radius(np.array([[np.inf]])),
        ValueError,
        "W",
        "finite",
        "inf",
    ),
    # --- activations --------------------------------------------------------------------
    row("activate", lambda: R.activate("x"), TypeError, "z", "numeric", "str 'x'"),
    row("activate", lambda: R.activate(1.0, "soft"), ValueError, "activation", "'tanh'", "'soft'"),
    row(
        "activation_derivative",
        lambda: R.activation_derivative(np.ones(2), None),
        TypeError,
        "activation",
        "string",
        "None",
    ),
    row(
        "activation_derivative",
        lambda: R.activation_derivative(np.ones(2) * 1j),
        TypeError,
        "z",
        "real",
        "complex",
    ),
    row("sigmoid", lambda: R.sigmoid([["a"]]), TypeError, "z", "numeric"),
    # --- forward and BPTT ---------------------------------------------------------------
    row(
        "step_forward",
        lambda: R.step_forward(np.ones((B, D + 1)), np.zeros((B, H)), P),
        ValueError,
        "x",
        "D = 3",
        "(2, 4)",
    ),
    row(
        "step_forward",
        lambda: R.step_forward(XS[0], np.zeros((B, H + 1)), P),
        ValueError,
        "h_prev",
        "H = 4",
        "(2, 5)",
    ),
    row(
        "step_backward",
        lambda: R.step_backward(np.ones((B, H + 1)), CACHE),
        ValueError,
        "dh",
        "(2, 4)",
        "(2, 5)",
    ),
    row(
        "step_backward",
        lambda: R.step_backward(np.ones((B, H)), "cache"),
        TypeError,
        "cache",
        "step_forward",
    ),
    row("forward", lambda: R.forward(P, XS[..., :2]), ValueError, "xs", "D = 3", "(5, 2, 2)"),
    row("forward", lambda: R.forward(P, XS + 1j), TypeError, "xs", "real", "complex"),
    row(
        "forward",
        lambda: R.forward(P, XS, h0=np.zeros(H + 1)),
        ValueError,
        "h0",
        "(2, 4)",
        "(5,)",
    ),
    row(
        "bptt", lambda: R.bptt(P, TRACE, DYS[..., :1]), ValueError, "dys", "(5, 2, 2)", "(5, 2, 1)"
    ),
    row("bptt", lambda: R.bptt(P, TRACE, DYS, truncate=0), ValueError, "truncate", ">= 1", "0"),
    row(
        "bptt",
        lambda: R.bptt({**P, "W_hh": P["W_hh"] + 1}, TRACE, DYS),
        ValueError,
        "trace was made with other parameter values",
        "params['W_hh']",
    ),
    row(
        "bptt_reference",
        lambda: R.bptt_reference(P, TRACE, DYS[..., :1]),
        ValueError,
        "dys",
        "(5, 2, 2)",
        "(5, 2, 1)",
    ),
    row(
        "forward",
        lambda: R.forward(P, np.zeros((T, B)), one_hot=True),
        TypeError,
        "one_hot=True",
        "class indices",
        "float64",
    ),
    row(
        "forward",
        lambda: R.forward(rnnlib.init_params(D, H, O, dtype=np.float32), XS * 1e300),
        ValueError,
        "xs[",
        "does not fit the parameters' dtype float32",
    ),
    row(
        "Trace",
        lambda: R.bptt(P, {"hs": TRACE.hs}, DYS),
        TypeError,
        "trace must be the Trace returned by forward",
        "dict",
    ),
    row(
        "bptt_randomized",
        lambda: R.bptt_randomized(P, TRACE, DYS, p_continue=0),
        ValueError,
        "p_continue",
        "(0, 1]",
        "0",
    ),
    row(
        "bptt_randomized",
        lambda: R.bptt_randomized(P, TRACE, DYS, seed=-1),
        ValueError,
        "seed",
        ">= 0",
    ),
    row(
        "contributions",
        lambda: R.contributions("trace", GRADS),
        TypeError,
        "trace",
        "forward",
    ),
    row(
        "Gradients",
        lambda: R.contributions(TRACE, dict(GRADS)),
        TypeError,
        "grads",
        "bptt",
    ),
    row(
        "Gradients",
        lambda: R.SGD(0.1).step(params(), R.Gradients(W_hh=np.ones(H))),
        ValueError,
        "grads['W_hh']",
        "(4, 4)",
        "(4,)",
    ),
    row(
        "parse_truncate",
        lambda: R.parse_truncate("3"),
        TypeError,
        "truncate",
        "positive integer",
        "str '3'",
    ),
    row("parse_truncate", lambda: R.parse_truncate((3, 2)), ValueError, "k2 >= k1", "k1 = 3"),
    row("truncation_blocks", lambda: R.truncation_blocks(10, 0), ValueError, "truncate", "0"),
    row(
        "truncation_blocks",
        lambda: R.truncation_blocks("10", 2),
        TypeError,
        "T",
        "positive integer",
    ),
    # --- losses ---------------------------------------------------------------------------
    row(
        "mse",
        lambda: R.mse(YS, YS, mask=-np.ones(T)),
        ValueError,
        "mask weights",
        ">= 0",
        "-1.0",
    ),
    row("mse", lambda: R.mse(YS, YS[:, :1]), ValueError, "targets", "(5, 2, 2)", "(5, 1, 2)"),
    row("mse", lambda: R.mse(YS, YS, form="sum"), ValueError, "form", "'mean'", "'sum'"),
    row(
        "sigmoid_mse",
        lambda: R.sigmoid_mse(YS, YS[:, :1]),
        ValueError,
        "targets",
        "(5, 2, 2)",
        "(5, 1, 2)",
    ),
    row("sigmoid_mse", lambda: R.sigmoid_mse("ys", YS), TypeError, "ys", "str"),
    row("sigmoid_mse", lambda: R.sigmoid_mse(YS, YS, form="sum"), ValueError, "form", "'sum'"),
    row(
        "sigmoid_bce",
        lambda: R.sigmoid_bce(YS, np.full(YS.shape, 2.0)),
        ValueError,
        "targets of sigmoid_bce",
        "[0, 1]",
        "2.0",
    ),
    row(
        "sigmoid_bce",
        lambda: R.sigmoid_bce(YS, np.ones(YS.shape), mask=[1, np.nan, 1, 1, 1]),
        ValueError,
        "mask",
        "finite",
        "nan",
    ),
    row(
        "softmax_ce",
        lambda: R.softmax_ce(YS, LABELS.astype(float)),
        TypeError,
        "class-index targets must be integers",
        "float64",
    ),
    row(
        "softmax_ce",
        lambda: R.softmax_ce(YS, LABELS + 7),
        ValueError,
        "class indices",
        "0..1",
        "7",
    ),
    row(
        "softmax_ce",
        lambda: R.softmax_ce(YS, probs([-0.5, 1.5])),
        ValueError,
        "class probabilities",
        "[0, 1]",
        "-0.5",
    ),
    row(
        "softmax_ce",
        lambda: R.softmax_ce(YS, probs([0.5, 0.7])),
        ValueError,
        "class probabilities must sum to 1",
        "1.2",
    ),
    row("softmax", lambda: R.softmax(YS, axis=5), ValueError, "axis", "-3..2", "5"),
    row("softmax", lambda: R.softmax("a"), TypeError, "logits", "numeric"),
    row("log_softmax", lambda: R.log_softmax(YS, axis=1.0), TypeError, "axis", "float 1.0"),
    row(
        "log_softmax",
        lambda: R.log_softmax(np.zeros((2, 0))),
        ValueError,
        "logits",
        "at least one class",
        "(2, 0)",
    ),
    # --- Jacobians ------------------------------------------------------------------------
    row(
        "recurrent_jacobians",
        lambda: R.recurrent_jacobians(P, TRACE),
        ValueError,
        "one sequence",
        "batch of 2",
    ),
    row(
        "recurrent_jacobians",
        lambda: R.recurrent_jacobians(R.init_params(D, H + 1, O), TRACE1),
        ValueError,
        "trace",
        "other sizes",
        "H=5",
    ),
    row(
        "jacobian_product",
        lambda: R.jacobian_product(P, TRACE1, 2, 3),
        ValueError,
        "0 <= k <= t <= T = 5",
        "t = 2, k = 3",
    ),
    row(
        "jacobian_product",
        lambda: R.jacobian_product(P, TRACE1, True, 0),
        TypeError,
        "t must be an integer",
        "bool",
    ),
    row("jacobian_norms", lambda: R.jacobian_norms(P, TRACE1, 9), ValueError, "t", "1..T = 5", "9"),
    row("jacobian_norms", lambda: R.jacobian_norms(P, "trace"), TypeError, "trace", "str"),
    row(
        "product_norms",
        lambda: R.product_norms(np.ones((3, 2, 4))),
        ValueError,
        "J",
        "(T, H, H)",
        "(3, 2, 4)",
    ),
    row(
        "product_norms", lambda: R.product_norms(np.ones((3, 2, 2)), 4), ValueError, "t", "0..T = 3"
    ),
    row("product_norms", lambda: R.product_norms([["a"]]), TypeError, "J", "numeric"),
    row(
        "gradient_bound",
        lambda: R.gradient_bound(P, "tanh", [-1]),
        ValueError,
        "distances",
        ">= 0",
        "-1",
    ),
    row("gradient_bound", lambda: R.gradient_bound(P, "x", [1]), ValueError, "activation", "'x'"),
    # --- gradient checking ----------------------------------------------------------------
    row("GradCheck", lambda: R.GradCheck().worst, ValueError, "GradCheck is empty"),
    row(
        "grad_check",
        lambda: R.grad_check(P, XS[:, 0], "mse"),
        TypeError,
        "loss_fn",
        "function ys -> (loss, dL/dys)",
        "str 'mse'",
    ),
    row(
        "grad_check",
        lambda: R.grad_check(P, XS[:, 0], mse0, delta=0),
        ValueError,
        "delta",
        "positive",
        "0",
    ),
    row(
        "numerical_gradient",
        lambda: R.numerical_gradient(lambda: 0.0, np.ones(2, dtype=int)),
        TypeError,
        "x",
        "float64",
        "int64",
    ),
    row(
        "numerical_gradient",
        lambda: R.numerical_gradient(lambda: 0.0, np.ones(2), delta=-1.0),
        ValueError,
        "delta",
        "positive",
        "-1.0",
    ),
    row(
        "rel_error",
        lambda: R.rel_error(np.ones(2), np.ones(3)),
        ValueError,
        "equal shape",
        "(2,)",
        "(3,)",
    ),
    row("rel_error", lambda: R.rel_error("x", np.ones(2)), TypeError, "a", "numeric", "str"),
    # --- clipping ---------------------------------------------------------------------------
    row("clip_by_norm", lambda: R.clip_by_norm({}, 1.0), ValueError, "grads is empty", "W_xh"),
    row(
        "clip_by_norm",
        lambda: R.clip_by_norm(GRADS, -1),
        ValueError,
        "threshold",
        "positive",
        "-1",
    ),
    row(
        "clip_by_norm",
        lambda: R.clip_by_norm(GRADS, 1.0, keys="W_hh"),
        TypeError,
        "keys",
        "str 'W_hh'",
    ),
    row("clip_by_value", lambda: R.clip_by_value(GRADS, "5"), TypeError, "limit", "str '5'"),
    row(
        "clip_by_value",
        lambda: R.clip_by_value({"W_hh": "big"}),
        TypeError,
        "grads['W_hh']",
        "numeric",
        "str",
    ),
    row("global_norm", lambda: R.global_norm([1.0]), TypeError, "grads", "mapping", "list"),
    row(
        "global_norm",
        lambda: R.global_norm(GRADS, keys=["Whh"]),
        ValueError,
        "grads has no entries ['Whh']",
    ),
    # --- optimisers -------------------------------------------------------------------------
    row("Optimizer", lambda: R.Optimizer(0.1), TypeError, "Optimizer", "update(k, g)"),
    row("SGD", lambda: R.SGD("0.1"), TypeError, "lr", "positive", "str '0.1'"),
    row(
        "SGD",
        lambda: R.SGD(0.1).step(params(), {"Wxh": np.ones((H, D))}),
        ValueError,
        "'Wxh'",
        "did you mean 'W_xh'",
    ),
    row("Momentum", lambda: R.Momentum(0.1, beta=1), ValueError, "beta", "[0, 1)", "1"),
    row("Adagrad", lambda: R.Adagrad(0.1, eps=0), ValueError, "eps", "positive", "0"),
    row("RMSprop", lambda: R.RMSprop(0.1, beta=1.5), ValueError, "beta", "[0, 1)", "1.5"),
    row("Adam", lambda: R.Adam(0.1, beta2=1.5), ValueError, "beta2", "[0, 1)", "1.5"),
    row(
        "Adam",
        lambda: used_adam().step(R.init_params(D, H + 1, O), ones_like_params(H + 1)),
        ValueError,
        "params['W_xh']",
        "(4, 3)",
        "(5, 3)",
        "new optimiser",
    ),
    row(
        "make_optimizer",
        lambda: R.make_optimizer("adamw", 0.1),
        ValueError,
        "name",
        "'adam'",
        "'adamw'",
    ),
    row(
        "make_optimizer",
        lambda: R.make_optimizer("rmsprop", 0.1, rho=0.9),
        TypeError,
        "'rho'",
        "beta",
    ),
    # --- training loops -------------------------------------------------------------------
    row(
        "train",
        lambda: R.train(params(), (XS, YS), "mse", "sgd", 2),
        TypeError,
        "optimizer",
        "rnnlib.SGD(0.1)",
        "str 'sgd'",
    ),
    row(
        "train",
        lambda: R.train(params(), (XS, YS), "mse", R.SGD(0.1), 0),
        ValueError,
        "steps",
        ">= 1",
        "0",
    ),
    row(
        "train_tbptt",
        lambda: R.train_tbptt(params(), XS, YS, ["mse"], R.SGD(0.1), k1=2),
        ValueError,
        "loss",
        "callable or one of mse",
        "['mse']",
    ),
    row(
        "train_tbptt",
        lambda: R.train_tbptt(params(), XS, YS, "mse", R.SGD(0.1), k1=3, k2=2),
        ValueError,
        "k2 >= k1",
    ),
    row(
        "train_tbptt",
        lambda: R.train_tbptt(params(), XS + 1j, YS, "mse", R.SGD(0.1), k1=2),
        TypeError,
        "xs",
        "complex",
    ),
    row(
        "update",
        lambda: R.update(params(), GRADS, "sgd"),
        TypeError,
        "optimizer",
        "str 'sgd'",
    ),
    row(
        "update",
        lambda: R.update(params(), GRADS, R.SGD(0.1), clip_norm=-1),
        ValueError,
        "clip_norm",
        "-1",
    ),
    # --- tasks --------------------------------------------------------------------------------
    row("adding_problem", lambda: R.adding_problem(1, 4), ValueError, "T >= 2", "T = 1"),
    row(
        "adding_marked_values",
        lambda: R.adding_marked_values(np.zeros((5, 4, 1))),
        ValueError,
        "xs",
        "(T, B, 2)",
        "(5, 4, 1)",
    ),
    row(
        "adding_marked_values",
        lambda: R.adding_marked_values(np.zeros((5, 4, 2))),
        ValueError,
        "xs",
        "exactly two",
        "0 marked steps in sequence 0",
    ),
    row("adding_problem", lambda: R.adding_problem(5, 4, seed=1.5), TypeError, "seed", "1.5"),
    row(
        "delayed_echo",
        lambda: R.delayed_echo(8, 2, 8),
        ValueError,
        "delay",
        "smaller than T",
        "delay = 8",
    ),
    row("sine_next_step", lambda: R.sine_next_step(8, 2, noise=-1.0), ValueError, "noise", ">= 0"),
    row(
        "train",
        lambda: R.train(params(), (XS, YS), "mse", R.SGD(0.1), 2, callback="print"),
        TypeError,
        "callback",
        "None or a function callback(step, loss, params)",
        "str 'print'",
    ),
]

# --- the other modules ------------------------------------------------------------------
VOCAB = text.Vocabulary.from_text("abracadabra")
V = VOCAB.V
IDS = VOCAB.encode("abracadabra")
PC = R.init_params(V, H, V, seed=0)
CHUNK = np.zeros((3, B), dtype=int)


def char_params():
    return R.copy_params(PC)


GP = gated.init_gated_params(2, H, 1, seed=0)
AXS, ATARGETS = R.adding_problem(6, B, seed=0)
GTRACE = gated.gated_forward(GP, AXS)


def gated_params():
    return {k: v.copy() for k, v in GP.items()}


MODULE_ROWS = [
    # --- rnnlib.text ------------------------------------------------------------------------
    row(
        "text.Vocabulary",
        lambda: VOCAB.encode("abc", unknown=np.array(["rare"])),
        ValueError,
        "unknown",
        "'error', 'rare'",
        "array",
    ),
    row(
        "text.Vocabulary",
        lambda: text.Vocabulary((text.RARE, 1)),
        TypeError,
        "chars",
        "tuple of single characters",
        "(",
    ),
    row(
        "text.Vocabulary",
        lambda: text.Vocabulary.from_text("abc", min_count=0),
        ValueError,
        "min_count",
        ">= 1",
        "0",
    ),
    row("text.split", lambda: text.split(IDS, "0.1"), TypeError, "validation", "(0, 1)", "'0.1'"),
    row("text.split", lambda: text.split(IDS, 1.0), ValueError, "validation", "(0, 1)", "1.0"),
    row("text.unigram_entropy", lambda: text.unigram_entropy(IDS, 0), ValueError, "V", ">= 1"),
    row(
        "text.one_hot",
        lambda: text.one_hot(IDS, V, dtype=int),
        TypeError,
        "dtype",
        "floating-point",
        "int64",
    ),
    row("text.one_hot", lambda: text.one_hot(IDS, V, dtype="x"), TypeError, "dtype", "str 'x'"),
    row(
        "text.batch_positions",
        lambda: text.batch_positions(100, 2, 4, "random", seed=-1),
        ValueError,
        "seed",
        ">= 0",
        "-1",
    ),
    row(
        "text.batch_positions",
        lambda: text.batch_positions(100, 2, 4, partition=["random"]),
        ValueError,
        "partition",
        "'sequential', 'random'",
        "['random']",
    ),
    row(
        "text.batches",
        lambda: text.batches(IDS, 2, 2, "random", seed=1.5),
        TypeError,
        "seed",
        "integer >= 0",
        "float 1.5",
    ),
    row(
        "text.check_temperature",
        lambda: text.check_temperature(True),
        TypeError,
        "temperature",
        "positive finite number",
        "bool True",
    ),
    row(
        "text.check_temperature",
        lambda: text.check_temperature(0),
        ValueError,
        "temperature",
        "positive finite number",
        "0",
    ),
    row(
        "text.next_char_probabilities",
        lambda: text.next_char_probabilities("y"),
        TypeError,
        "y",
        "numeric",
        "str 'y'",
    ),
    row(
        "text.next_char_probabilities",
        lambda: text.next_char_probabilities([0.0, np.nan]),
        ValueError,
        "y",
        "finite",
        "nan",
    ),
    row(
        "text.generate",
        lambda: text.generate(PC, IDS[:2, None], 3, seed="0"),
        TypeError,
        "seed",
        "integer >= 0",
        "str '0'",
    ),
    row(
        "text.sample",
        lambda: text.sample(PC, VOCAB, "ab", 3, temperature=-1.0),
        ValueError,
        "temperature",
        "positive",
        "-1.0",
    ),
    # --- rnnlib.charlm --------------------------------------------------------------------
    row(
        "charlm.train_step",
        lambda: charlm.train_step(char_params(), "adam", CHUNK, CHUNK),
        TypeError,
        "optimizer",
        "rnnlib.SGD(0.1)",
        "str 'adam'",
    ),
    row(
        "charlm.train_step",
        lambda: charlm.train_step(char_params(), R.SGD(0.1), CHUNK, CHUNK, clip_norm=0),
        ValueError,
        "clip_norm",
        "positive",
        "0",
    ),
    row(
        "charlm.train",
        lambda: charlm.train(char_params(), CHUNK[None], CHUNK[None], R.SGD(0.1), 1, callback=1),
        TypeError,
        "callback",
        "None or a function callback(step, params)",
        "int 1",
    ),
    row(
        "charlm.train",
        lambda: charlm.train(char_params(), CHUNK[None], CHUNK[None], R.SGD(0.1), 1, clip_norm=-1),
        ValueError,
        "clip_norm",
        "-1",
    ),
    row(
        "charlm.bits_per_character",
        lambda: charlm.bits_per_character(PC, IDS, B=IDS.size),
        ValueError,
        "B = 11 streams",
        "at least B + 1 = 12 characters",
        "ids has 11",
    ),
    row(
        "charlm.bits_per_character",
        lambda: charlm.bits_per_character(PC, IDS, B=0),
        ValueError,
        "B",
        ">= 1",
    ),
    row(
        "charlm.input_gradient_norms",
        lambda: charlm.input_gradient_norms(PC, IDS.astype(float)),
        TypeError,
        "ids",
        "integer character ids",
        "float64",
    ),
    # --- rnnlib.cliff -----------------------------------------------------------------------
    row(
        "cliff.cliff_states",
        lambda: cliff.cliff_states("5", -2.0),
        TypeError,
        "w",
        "numeric",
        "'5'",
    ),
    row(
        "cliff.cliff_states",
        lambda: cliff.cliff_states(5.0, [-2.0, np.nan]),
        ValueError,
        "b",
        "finite",
        "nan",
    ),
    row("cliff.cliff_loss", lambda: cliff.cliff_loss(5.0, -2.0, target=None), TypeError, "target"),
    row(
        "cliff.cliff_loss_and_grad",
        lambda: cliff.cliff_loss_and_grad(5.0, -2.0, z0=np.inf),
        ValueError,
        "z0",
        "finite",
        "inf",
    ),
    row(
        "cliff.cliff_loss_and_grad",
        lambda: cliff.cliff_loss_and_grad(np.ones(2), np.ones(3)),
        ValueError,
        "w and b",
        "broadcast",
        "(2,) and (3,)",
    ),
    row("cliff.cliff_grid", lambda: cliff.cliff_grid(0), ValueError, "n", ">= 1", "0"),
    row("cliff.descend", lambda: cliff.descend(5.0, -2.0, -0.1, 3), ValueError, "lr", "-0.1"),
    # --- rnnlib.gated -----------------------------------------------------------------------
    row(
        "gated.init_gated_params",
        lambda: gated.init_gated_params(2, 3, 1, gate_bias="-2"),
        TypeError,
        "gate_bias",
    ),
    row(
        "gated.gated_step_forward",
        lambda: gated.gated_step_forward(np.ones(3), np.zeros(H), GP),
        ValueError,
        "x",
        "D = 2",
        "(3,)",
    ),
    row(
        "gated.gated_step_backward",
        lambda: gated.gated_step_backward(np.ones(H), "cache"),
        TypeError,
        "cache",
        "gated_step_forward",
    ),
    row("gated.gated_forward", lambda: gated.gated_forward(GP, AXS + 1j), TypeError, "xs", "real"),
    row(
        "gated.gated_backward",
        lambda: gated.gated_backward(GP, GTRACE, np.ones(3)),
        ValueError,
        "dys",
        "(6, 2, 1)",
        "(3,)",
    ),
    row(
        "gated.gated_jacobians",
        lambda: gated.gated_jacobians(GP, GTRACE, b=B),
        ValueError,
        "b",
        "0..1",
        "2",
    ),
    row(
        "gated.gated_jacobians",
        lambda: gated.gated_jacobians(gated.init_gated_params(2, H + 1, 1), GTRACE),
        ValueError,
        "trace",
        "other sizes",
        "H=4",
    ),
    row(
        "gated.gated_jacobian_norms",
        lambda: gated.gated_jacobian_norms(GP, "trace"),
        TypeError,
        "trace",
        "GatedTrace",
        "str",
    ),
    row(
        "gated.train_gated",
        lambda: gated.train_gated(gated_params(), "data", R.SGD(0.1), 1),
        TypeError,
        "data",
        "(xs, targets)",
        "str 'data'",
    ),
    row(
        "gated.train_gated",
        lambda: gated.train_gated(gated_params(), (AXS, ATARGETS), R.SGD(0.1), 1, clip_norm="1"),
        TypeError,
        "clip_norm",
        "positive",
        "str '1'",
    ),
    # --- rnnlib.report ----------------------------------------------------------------------
    row("report.fmt", lambda: report.fmt(None), TypeError, "table cell", "NoneType"),
    row("report.table", lambda: report.table([[1, 2]], "ab"), TypeError, "headers", "str 'ab'"),
    row("report.table", lambda: report.table(["ab"], ["a", "b"]), TypeError, "row 0", "str 'ab'"),
    row(
        "report.side_by_side",
        lambda: report.side_by_side({"W": np.ones((2, 2, 2))}),
        ValueError,
        "blocks['W']",
        "(2, 2, 2)",
    ),
    row(
        "report.side_by_side",
        lambda: report.side_by_side({"W": np.eye(2)}, digits=10**6),
        ValueError,
        "digits",
        "1..17",
        "1000000",
    ),
    # --- rnnlib.truncation ------------------------------------------------------------------
    row(
        "truncation.reach_from_blocks",
        lambda: truncation.reach_from_blocks(5, [(6, 0, 0)]),
        ValueError,
        "blocks[0]",
        "t_end <= T = 5",
        "(6, 0, 0)",
    ),
    row(
        "truncation.reach_from_blocks",
        lambda: truncation.reach_from_blocks(5, "abc"),
        TypeError,
        "blocks",
        "(t_end, t_loss, t_stop)",
        "str 'abc'",
    ),
    row("truncation.reach_matrix", lambda: truncation.reach_matrix(5, 0), ValueError, "truncate"),
    row(
        "truncation.literal_blocks",
        lambda: truncation.literal_blocks(5, None, 2),
        TypeError,
        "k1",
        "positive integer",
        "None",
    ),
    row(
        "truncation.measured_reach",
        lambda: truncation.measured_reach(P, XS, activation="soft"),
        ValueError,
        "activation",
        "'soft'",
    ),
    row(
        "truncation.truncation_errors",
        lambda: truncation.truncation_errors(P, TRACE, DYS, 3),
        TypeError,
        "k2s",
        "list of positive integers",
        "int 3",
    ),
    row(
        "truncation.randomized_mean_errors",
        lambda: truncation.randomized_mean_errors(P, TRACE, DYS, [8], 4),
        ValueError,
        "ns",
        "at most n_draws = 4",
        "(8,)",
    ),
    row(
        "truncation.randomized_mean_errors",
        lambda: truncation.randomized_mean_errors(P, TRACE, DYS, [1], 0),
        ValueError,
        "n_draws",
        ">= 1",
    ),
    row(
        "truncation.full_gradient",
        lambda: truncation.full_gradient(P, XS, YS[:, :1]),
        ValueError,
        "targets",
        "(5, 1, 2)",
    ),
    row(
        "truncation.windowed_gradient",
        lambda: truncation.windowed_gradient(P, XS, YS[..., 0], 2, 2),
        ValueError,
        "targets",
        "(5, 2, 2)",
        "(5, 2)",
    ),
    row(
        "truncation.windowed_gradient",
        lambda: truncation.windowed_gradient(P, "xs", YS, 2, 2),
        TypeError,
        "xs",
        "numeric",
        "str 'xs'",
    ),
    # --- rnnlib.vanishing -------------------------------------------------------------------
    row(
        "vanishing.decay_curves",
        lambda: vanishing.decay_curves(P, XS[:, 0], target="1"),
        TypeError,
        "target",
        "finite number",
        "str '1'",
    ),
    row("vanishing.power_norms", lambda: vanishing.power_norms(P["W_hh"], -1), ValueError, "K"),
    # --- rnnlib.experiments -----------------------------------------------------------------
    row(
        "experiments.run_adding",
        lambda: experiments.run_adding(5, steps="10"),
        TypeError,
        "steps",
        "positive integer",
        "str '10'",
    ),
    row(
        "experiments.run_adding",
        lambda: experiments.run_adding(5, steps=2, checkpoints=2),
        TypeError,
        "checkpoints",
        "list of positive integers",
        "int 2",
    ),
    row(
        "experiments.run_adding",
        lambda: experiments.run_adding(5, steps=2, batch=0),
        ValueError,
        "batch",
        ">= 1",
    ),
    row(
        "experiments.adding_test_set", lambda: experiments.adding_test_set(1), ValueError, "T >= 2"
    ),
    row(
        "experiments.adding_predict",
        lambda: experiments.adding_predict(GP, np.array(["gated"]), AXS),
        ValueError,
        "model",
        "'gated'",
        "array",
    ),
    row(
        "experiments.adding_test_mse",
        lambda: experiments.adding_test_mse(GP, "gated", AXS, ATARGETS[:, 0]),
        ValueError,
        "targets",
        "(2, 1)",
        "(2,)",
    ),
    row(
        "experiments.adding_coefficients",
        lambda: experiments.adding_coefficients(GP, "gated", "xs"),
        TypeError,
        "xs",
        "numeric",
    ),
    row(
        "experiments.gradient_flow",
        lambda: experiments.gradient_flow(GP, "lstm", AXS[:, 0]),
        ValueError,
        "model",
        "'lstm'",
    ),
    row(
        "experiments.run_echo",
        lambda: experiments.run_echo(2, 2, batch=0),
        ValueError,
        "batch",
        ">= 1",
    ),
    row(
        "experiments.measure_cost",
        lambda: experiments.measure_cost({"a": 1}),
        TypeError,
        "calls['a']",
        "function",
        "int 1",
    ),
    row(
        "experiments.measure_cost",
        lambda: experiments.measure_cost([len]),
        TypeError,
        "calls",
        "dict",
        "list",
    ),
    # --- rnnlib.checks: a checker given something that is not a function ------------------
    row(
        "checks.backward.check_step_backward",
        lambda: checks_backward.check_step_backward(np.zeros(3), quiet=True),
        TypeError,
        "rnn_step_backward must be a function",
        "not what it returns",
        "an array of shape (3,)",
    ),
    row(
        "checks.backward.check_backward_loop",
        lambda: checks_backward.check_backward_loop(np.zeros(3), quiet=True),
        TypeError,
        "rnn_backward must be a function",
        "not what it returns",
        "an array of shape (3,)",
    ),
    row(
        "checks.charlm.check_train_step",
        lambda: checks_charlm.check_train_step(np.zeros(3), quiet=True),
        TypeError,
        "student_fn must be a function",
        "not what it returns",
        "an array of shape (3,)",
    ),
    row(
        "checks.charlm.check_unigram_entropy",
        lambda: checks_charlm.check_unigram_entropy(np.zeros(3), quiet=True),
        TypeError,
        "student_fn must be a function",
        "not what it returns",
        "an array of shape (3,)",
    ),
    row(
        "checks.clipping.check_clip_by_norm",
        lambda: checks_clipping.check_clip_by_norm(np.zeros(3), quiet=True),
        TypeError,
        "student_fn must be a function",
        "not what it returns",
        "an array of shape (3,)",
    ),
    row(
        "checks.forward.check_step_forward",
        lambda: checks_forward.check_step_forward(np.zeros(3), quiet=True),
        TypeError,
        "rnn_step must be a function",
        "not what it returns",
        "an array of shape (3,)",
    ),
    row(
        "checks.forward.check_forward_loop",
        lambda: checks_forward.check_forward_loop(np.zeros(3), quiet=True),
        TypeError,
        "rnn_forward must be a function",
        "not what it returns",
        "an array of shape (3,)",
    ),
    row(
        "checks.gradients.check_dW_hh",
        lambda: checks_gradients.check_dW_hh(np.zeros(3), quiet=True),
        TypeError,
        "student_fn must be a function",
        "not what it returns",
        "an array of shape (3,)",
    ),
    row(
        "checks.gradients.check_input_gradients",
        lambda: checks_gradients.check_input_gradients(np.zeros(3), quiet=True),
        TypeError,
        "student_fn must be a function",
        "not what it returns",
        "an array of shape (3,)",
    ),
    row(
        "checks.longterm.check_gated_step_backward",
        lambda: checks_longterm.check_gated_step_backward(np.zeros(3), quiet=True),
        TypeError,
        "student_fn must be a function",
        "not what it returns",
        "an array of shape (3,)",
    ),
    row(
        "checks.losses.check_softmax_ce_grad",
        lambda: checks_losses.check_softmax_ce_grad(np.zeros(3), quiet=True),
        TypeError,
        "softmax_ce_grad must be a function",
        "not what it returns",
        "an array of shape (3,)",
    ),
    row(
        "checks.losses.check_sigmoid_mse_grad",
        lambda: checks_losses.check_sigmoid_mse_grad(np.zeros(3), quiet=True),
        TypeError,
        "sigmoid_mse_grad must be a function",
        "not what it returns",
        "an array of shape (3,)",
    ),
    row(
        "checks.training.check_momentum_step",
        lambda: checks_training.check_momentum_step(np.zeros(3), quiet=True),
        TypeError,
        "student_fn must be a function",
        "not what it returns",
        "an array of shape (3,)",
    ),
    row(
        "checks.training.check_adam_step",
        lambda: checks_training.check_adam_step(np.zeros(3), quiet=True),
        TypeError,
        "student_fn must be a function",
        "not what it returns",
        "an array of shape (3,)",
    ),
    row(
        "checks.truncation.check_reach",
        lambda: checks_truncation.check_reach(np.zeros(3), quiet=True),
        TypeError,
        "student_fn must be a function",
        "not what it returns",
        "an array of shape (3,)",
    ),
    row(
        "checks.truncation.check_detached",
        lambda: checks_truncation.check_detached(np.zeros(3), quiet=True),
        TypeError,
        "student_fn must be a function",
        "not what it returns",
        "an array of shape (3,)",
    ),
    row(
        "checks.vanishing.check_jacobian_product",
        lambda: checks_vanishing.check_jacobian_product(np.zeros(3), quiet=True),
        TypeError,
        "student_fn must be a function",
        "not what it returns",
        "an array of shape (3,)",
    ),
    row(
        "checks.framework.check",
        lambda: checks_framework.check("h_t", "rnn_step", [], quiet=True),
        TypeError,
        "student_fn must be a function",
        "str 'rnn_step'",
    ),
    row(
        "checks.forward.check_step_forward",
        lambda: checks_forward.check_step_forward(lambda x, h, p: h, quiet="yes"),
        TypeError,
        "quiet",
        "True or False",
        "str 'yes'",
    ),
    row(
        "checks.framework.check_student_fn",
        lambda: checks_framework.check_student_fn(None, "rnn_step"),
        TypeError,
        "rnn_step must be a function",
        "NoneType None",
    ),
    row(
        "checks.backward.make_cache",
        lambda: checks_backward.make_cache(np.ones(D + 1), np.zeros(H), P),
        ValueError,
        "x",
        "D = 3",
        "(4,)",
    ),
    row("checks.charlm.RecordingSGD", lambda: checks_charlm.RecordingSGD("0.1"), TypeError, "lr"),
    # --- rnnlib.widgets: the explorers' arguments -------------------------------------------
    row(
        "widgets.clipping.ClippingExplorer",
        lambda: ClippingExplorer(threshold=1000.0),
        ValueError,
        "threshold",
        "[0.01, 100]",
        "1000.0",
    ),
    row(
        "widgets.clipping.ClippingExplorer",
        lambda: ClippingExplorer(start=6.0),
        TypeError,
        "start",
        "pair (w0, b0)",
        "float 6.0",
    ),
    row(
        "widgets.training.LearningRateExplorer",
        lambda: LearningRateExplorer(XS, YS[:, :1]),
        ValueError,
        "targets",
        "(5, 2)",
        "(5, 1, 2)",
    ),
    row(
        "widgets.training.LearningRateExplorer",
        lambda: LearningRateExplorer(XS, YS, lr="0.1"),
        TypeError,
        "lr",
        "positive",
        "str '0.1'",
    ),
    row(
        "widgets.training.LearningRateExplorer",
        lambda: LearningRateExplorer(XS, YS, optimizer="adamw"),
        ValueError,
        "optimizer",
        "'adam'",
        "'adamw'",
    ),
    row(
        "widgets.training.LearningRateExplorer",
        lambda: LearningRateExplorer(XS, YS, exponents=(1.0, -3.0)),
        ValueError,
        "exponents",
        "lo < hi",
    ),
    row(
        "widgets.truncation.TruncationExplorer",
        lambda: TruncationExplorer(T=10, k1=0),
        ValueError,
        "k1",
        "1..10",
        "0",
    ),
    row(
        "widgets.unroll.UnrollExplorer",
        lambda: UnrollExplorer(T=12, T_max=10),
        ValueError,
        "T",
        "1..10",
        "12",
    ),
    row(
        "widgets.unroll.UnrollExplorer",
        lambda: UnrollExplorer(outputs="every"),
        ValueError,
        "outputs",
        "'all', 'last'",
        "'every'",
    ),
    row(
        "widgets.vanishing.VanishingExplorer",
        lambda: VanishingExplorer(scale=5.0),
        ValueError,
        "scale",
        "[0.1, 3]",
        "5.0",
    ),
    row(
        "widgets.vanishing.VanishingExplorer",
        lambda: VanishingExplorer(activation="softplus"),
        ValueError,
        "activation",
        "'softplus'",
    ),
    row(
        "widgets.vanishing.VanishingExplorer",
        lambda: VanishingExplorer(T_max="100"),
        TypeError,
        "T_max",
        "integer >= 5",
        "str '100'",
    ),
    row(
        "widgets.vanishing.VanishingExplorer",
        lambda: VanishingExplorer(dtype=int),
        TypeError,
        "dtype",
        "floating-point",
        "int64",
    ),
    row(
        "widgets.charlm.SamplingExplorer",
        lambda: SamplingExplorer(PC, "abc"),
        TypeError,
        "vocab",
        "Vocabulary",
        "str 'abc'",
    ),
    row(
        "widgets.charlm.SamplingExplorer",
        lambda: SamplingExplorer(PC, VOCAB, prefix="ab", temperature=3.0),
        ValueError,
        "temperature",
        "[0.2, 1.5]",
        "3.0",
    ),
    row(
        "widgets.charlm.SamplingExplorer",
        lambda: SamplingExplorer(PC, VOCAB, prefix="ab", seed=-1),
        ValueError,
        "seed",
        ">= 0",
        "-1",
    ),
]


def public_callables():
    return sorted(name for name in rnnlib.__all__ if callable(getattr(rnnlib, name)))


def test_every_public_function_has_a_row():
    covered = {r.name for r in ROWS}
    missing = [name for name in public_callables() if name not in covered]
    assert not missing, f"add rows to ROWS for the public functions {missing}"
    unknown = covered - set(rnnlib.__all__)
    assert not unknown, f"rows name functions that are not public: {sorted(unknown)}"


#: the modules outside rnnlib.__all__ whose public functions need rows in MODULE_ROWS
MODULES = (
    "text",
    "charlm",
    "experiments",
    "truncation",
    "vanishing",
    "cliff",
    "gated",
    "report",
    *(
        f"checks.{m}"
        for m in (
            "backward",
            "charlm",
            "clipping",
            "forward",
            "framework",
            "gradients",
            "longterm",
            "losses",
            "training",
            "truncation",
            "vanishing",
        )
    ),
    *(
        f"widgets.{m}"
        for m in ("charlm", "clipping", "training", "truncation", "unroll", "vanishing")
    ),
)
JUDGES_ANY_VALUE = "judges whatever a student's function returned: every value is valid input"
#: public functions that need no row, and why
NO_ROW = {
    "text.python_docs": "takes no arguments",
    "gated.GatedTrace": "a result type, exercised through gated_backward and gated_jacobians",
    "checks.framework.CheckResult": "a result type",
    "checks.framework.as_numbers": JUDGES_ANY_VALUE,
    "checks.framework.matches": JUDGES_ANY_VALUE,
    "checks.framework.diagnose": JUDGES_ANY_VALUE,
    "checks.framework.describe_difference": JUDGES_ANY_VALUE,
    "checks.framework.describe_shapes": JUDGES_ANY_VALUE,
    "checks.framework.mistakes_for": "skips every mistake that cannot be computed, by design",
    "checks.framework.run_student": "records what the student's function raises instead of raising",
    "checks.clipping.clip_each_parameter": "a known mistake, computed on the checker's own cases",
}


def module_public_callables():
    """'module.name' for each public callable of MODULES: its __all__, or else every
    function and class defined in it whose name does not start with an underscore."""
    names = []
    for m in MODULES:
        mod = importlib.import_module(f"rnnlib.{m}")
        public = getattr(mod, "__all__", None) or [
            n
            for n, v in vars(mod).items()
            if not n.startswith("_")
            and (inspect.isfunction(v) or inspect.isclass(v))
            and v.__module__ == mod.__name__
        ]
        names += [f"{m}.{n}" for n in public if callable(getattr(mod, n))]
    return sorted(names)


def test_every_module_function_has_a_row():
    covered = {r.name for r in MODULE_ROWS}
    public = module_public_callables()
    missing = [n for n in public if n not in covered and n not in NO_ROW]
    assert not missing, f"add rows to MODULE_ROWS for the public functions {missing}"
    unknown = (covered | set(NO_ROW)) - set(public)
    assert not unknown, f"rows or exemptions name functions that are not public: {sorted(unknown)}"


def row_id(r):
    return f"{r.name}:{' '.join(r.words)[:40]}"


@pytest.mark.parametrize(
    "r",
    [
        pytest.param(r, marks=pytest.mark.xfail(strict=True, reason=r.known)) if r.known else r
        for r in ROWS + MODULE_ROWS
    ],
    ids=row_id,
)
def test_bad_input_gives_a_clear_error(r):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning instead of an error is not enough
        with pytest.raises((ValueError, TypeError)) as info:
            r.call()
    err = info.value
    assert type(err) is r.exc, f"expected {r.exc.__name__}, got {type(err).__name__}: {err}"
    message = str(err)
    missing = [w for w in r.words if w not in message]
    assert not missing, f"the message {message!r} does not contain {missing}"
    raised_in = Path(traceback.extract_tb(err.__traceback__)[-1].filename).resolve()
    assert RNNLIB_DIR in raised_in.parents, f"raised by {raised_in}, not by rnnlib: {message}"
