"""Gradient clipping by global norm and by value."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import rnnlib
from rnnlib.clip import gradient_vector

SHAPES = {"W_xh": (3, 2), "W_hh": (3, 3), "b_h": (3,), "W_hy": (2, 3), "b_y": (2,)}


def norm_of(grads, keys=tuple(SHAPES)):
    """Independent global norm: one long vector, numpy's (overflow-safe) 2-norm."""
    v = np.concatenate([np.ravel(grads[k]) for k in keys])
    scale = np.max(np.abs(v)) if v.size and np.max(np.abs(v)) > 0 else 1.0
    return float(scale * np.linalg.norm(v / scale))


def cosine(a, b):
    va = np.concatenate([np.ravel(a[k]) for k in SHAPES])
    vb = np.concatenate([np.ravel(b[k]) for k in SHAPES])
    sa, sb = np.max(np.abs(va)), np.max(np.abs(vb))
    va, vb = va / sa, vb / sb
    return float(va @ vb / (np.linalg.norm(va) * np.linalg.norm(vb)))


@st.composite
def gradient_dicts(draw, max_magnitude=1e300, min_exponent=-150):
    exponent = draw(st.integers(min_exponent, int(np.log10(max_magnitude))))
    out = {}
    for k, shape in SHAPES.items():
        out[k] = draw(hnp.arrays(np.float64, shape, elements=st.floats(-1, 1))) * 10.0**exponent
    return out


thresholds = st.floats(1e-3, 1e3)


@settings(max_examples=100)
@given(gradient_dicts(), thresholds)
def test_clip_by_norm_properties(grads, threshold):
    originals = {k: v.copy() for k, v in grads.items()}
    clipped, norm = rnnlib.clip_by_norm(grads, threshold)
    for k in SHAPES:  # the input is not modified
        np.testing.assert_array_equal(grads[k], originals[k])
    before = norm_of(grads)
    after = norm_of(clipped)
    assert norm == pytest.approx(before, rel=1e-12, abs=1e-300)
    assert after <= before * (1 + 1e-12)  # never increases the norm
    if before <= threshold:  # small gradients are left exactly as they are
        for k in SHAPES:
            np.testing.assert_array_equal(clipped[k], grads[k])
    else:
        assert after == pytest.approx(threshold, rel=1e-12)  # clipped to the threshold
        assert cosine(clipped, grads) == pytest.approx(1.0, abs=1e-12)  # same direction
        for k in SHAPES:  # every parameter is scaled by the same factor
            np.testing.assert_allclose(
                clipped[k], grads[k] * (threshold / before), rtol=1e-12, atol=1e-300
            )


@settings(max_examples=80)
@given(gradient_dicts(), thresholds)
def test_clip_by_value_bounds_every_entry(grads, limit):
    clipped = rnnlib.clip_by_value(grads, limit)
    for k in SHAPES:
        assert np.all(np.abs(clipped[k]) <= limit)
        inside = np.abs(grads[k]) <= limit
        np.testing.assert_array_equal(clipped[k][inside], grads[k][inside])
        np.testing.assert_array_equal(np.sign(clipped[k]), np.sign(grads[k]))
        np.testing.assert_array_equal(clipped[k][~inside], limit * np.sign(grads[k][~inside]))


def test_global_norm_matches_the_definition():
    g = {k: np.full(s, 2.0) for k, s in SHAPES.items()}
    n = sum(np.prod(s) for s in SHAPES.values())
    assert rnnlib.global_norm(g) == pytest.approx(2.0 * np.sqrt(n), rel=1e-14)
    assert rnnlib.global_norm(g, keys=["b_y"]) == pytest.approx(2.0 * np.sqrt(2), rel=1e-14)


def test_huge_but_finite_gradients_are_clipped():
    """An exploding gradient of 1e200 per entry still has a finite direction to keep."""
    g = {k: np.full(s, 1e200) for k, s in SHAPES.items()}
    g["W_hh"][0, 0] = -3e200
    clipped, norm = rnnlib.clip_by_norm(g, 5.0)
    assert np.isfinite(norm) and norm == pytest.approx(norm_of(g), rel=1e-12)
    assert norm_of(clipped) == pytest.approx(5.0, rel=1e-12)
    assert cosine(clipped, g) == pytest.approx(1.0, abs=1e-12)
    tiny = {k: np.full(s, 1e-200) for k, s in SHAPES.items()}
    assert rnnlib.global_norm(tiny) == pytest.approx(norm_of(tiny), rel=1e-12)


def test_non_finite_gradients_are_returned_unchanged_with_their_norm():
    g = {k: np.ones(s) for k, s in SHAPES.items()}
    g["b_h"][0] = np.inf
    clipped, norm = rnnlib.clip_by_norm(g, 1.0)
    assert norm == np.inf
    for k in SHAPES:
        np.testing.assert_array_equal(clipped[k], g[k])
    g["b_h"][0] = np.nan
    assert np.isnan(rnnlib.clip_by_norm(g, 1.0)[1])


def test_clipping_a_gradients_object_keeps_h0_and_reports_norm_of_parameters():
    p = rnnlib.init_params(2, 3, 2, scheme="xavier")
    trace = rnnlib.forward(p, np.random.default_rng(0).normal(size=(5, 2)))
    g = rnnlib.bptt(p, trace, np.ones_like(trace.ys) * 10)
    clipped, norm = rnnlib.clip_by_norm(g, 0.1)
    assert norm == pytest.approx(norm_of(g), rel=1e-12)
    assert norm_of(clipped) == pytest.approx(0.1, rel=1e-12)
    np.testing.assert_array_equal(clipped["h0"], g["h0"])  # h0 is not a parameter
    by_value = rnnlib.clip_by_value(g, 0.01)
    assert all(np.all(np.abs(by_value[k]) <= 0.01) for k in SHAPES)


def test_a_norm_just_above_the_threshold_is_clipped_and_at_it_is_not():
    g = {"W_hh": np.array([[3.0, 4.0]])}  # norm 5
    clipped, norm = rnnlib.clip_by_norm(g, 5.0 / (1 + 1e-9))
    assert norm == 5.0
    assert np.linalg.norm(clipped["W_hh"]) == pytest.approx(5.0 / (1 + 1e-9), rel=1e-15)
    assert np.linalg.norm(clipped["W_hh"]) < 5.0
    clipped, _ = rnnlib.clip_by_norm(g, 5.0)
    np.testing.assert_array_equal(clipped["W_hh"], g["W_hh"])


def exact_norm_in_units(grads, unit_exp=-1074):
    """||g|| in units of 2**unit_exp (the smallest positive float64): exact for subnormals."""
    v = np.concatenate([np.ravel(np.asarray(g, dtype=np.float64)) for g in grads.values()])
    return float(np.linalg.norm(np.ldexp(v, -unit_exp)))


@settings(max_examples=200)
@given(
    grads=gradient_dicts(min_exponent=-320),
    threshold=st.floats(5e-324, 2.2e-308),
)
def test_thresholds_below_the_smallest_normal_float(grads, threshold):
    """Below 2.2e-308 products round: the clipped norm must still be <= the threshold
    and the gradient must not vanish (unless it was zero)."""
    clipped, norm = rnnlib.clip_by_norm(grads, threshold)
    nonzero = any(np.any(g) for g in grads.values())
    if norm <= threshold:
        return
    assert rnnlib.global_norm(clipped) <= threshold
    limit = exact_norm_in_units({"t": np.array([threshold])}) * (1 + 1e-15)  # norm's rounding
    assert exact_norm_in_units(clipped) <= limit
    assert any(np.any(c) for c in clipped.values()) == nonzero
    for k in SHAPES:  # no sign flips; entries only shrink
        assert np.all(np.sign(clipped[k]) * np.sign(grads[k]) >= 0)
        assert np.all(np.abs(clipped[k]) <= np.abs(grads[k]))


def test_tiny_threshold_examples():
    g = {"W_hh": np.array([[3.0, 4.0]])}
    for threshold in (1e-310, 1e-320, 1e-323, 5e-324):
        clipped, norm = rnnlib.clip_by_norm(g, threshold)
        assert norm == 5.0
        c = clipped["W_hh"]
        assert np.any(c != 0) and np.all(c >= 0)
        assert rnnlib.global_norm(clipped) <= threshold
        assert exact_norm_in_units(clipped) <= exact_norm_in_units({"t": np.array([threshold])})
    # many equal entries, each far below one unit after scaling: one entry is kept
    g = {"W_hh": np.full((10, 10), 1e-300)}
    clipped, _ = rnnlib.clip_by_norm(g, 5e-324)
    assert np.count_nonzero(clipped["W_hh"]) == 1 and clipped["W_hh"].max() == 5e-324


def test_float32_gradients_and_a_tiny_threshold():
    g = {"W_hh": np.array([3.0, 4.0], dtype=np.float32)}
    clipped, norm = rnnlib.clip_by_norm(g, 1e-44)
    c = clipped["W_hh"]
    assert c.dtype == np.float32 and np.any(c) and np.linalg.norm(c.astype(float)) <= 1e-44
    clipped, _ = rnnlib.clip_by_norm(g, 0.5)
    assert clipped["W_hh"].dtype == np.float32
    with pytest.raises(
        ValueError, match=r"threshold must be at least the smallest positive float32 \(1.4013e-45"
    ):
        rnnlib.clip_by_norm(g, 1e-46)


def test_bad_gradient_mappings():
    with pytest.raises(ValueError, match=r"grads is empty; expected gradient arrays such as W_xh"):
        rnnlib.clip_by_norm({}, 1.0)
    for fn in (rnnlib.global_norm, rnnlib.clip_by_value):
        with pytest.raises(ValueError, match=r"grads is empty"):
            fn({})
    with pytest.raises(TypeError, match=r"grads must be a mapping from names to arrays, got list"):
        rnnlib.global_norm([np.ones(2)])
    with pytest.raises(TypeError, match=r"keys must be a list of names .*got str 'W_hh'"):
        rnnlib.clip_by_norm({"W_hh": np.ones(2)}, 1.0, keys="W_hh")
    with pytest.raises(ValueError, match=r"keys is empty"):
        rnnlib.global_norm({"W_hh": np.ones(2)}, keys=[])
    with pytest.raises(TypeError, match=r"grads\['W_hh'\] must be a numeric array, got str"):
        rnnlib.clip_by_value({"W_hh": "big"})
    with pytest.raises(TypeError, match=r"grads\['b_h'\] must be real, got complex"):
        rnnlib.global_norm({"W_hh": np.ones(2), "b_h": np.ones(2) * 1j})


def test_gradient_vector_order_and_length():
    params = rnnlib.init_params(1, 6, 1, seed=0, scheme="xavier")
    g = gradient_vector(params)
    assert g.shape == (sum(params[k].size for k in rnnlib.PARAM_NAMES),)
    assert np.array_equal(g[: params["W_xh"].size], params["W_xh"].ravel())
    assert np.array_equal(gradient_vector(params, ["b_y"]), params["b_y"])


def _bptt_inputs():
    p = rnnlib.init_params(2, 3, 2, seed=1)
    xs = np.random.default_rng(1).normal(size=(4, 2))
    tr = rnnlib.forward(p, xs)
    return p, tr, np.ones(tr.ys.shape)


def test_gradient_vector_is_the_vector_whose_norm_global_norm_measures():
    grads = rnnlib.bptt(*_bptt_inputs())
    g = gradient_vector(grads)  # a Gradients object: h0 is not a parameter
    assert g.dtype == np.float64 and g.size == sum(grads[k].size for k in rnnlib.PARAM_NAMES)
    assert np.linalg.norm(g) == pytest.approx(rnnlib.global_norm(grads), rel=1e-14)
    half = {k: v.astype(np.float32) for k, v in grads.items()}
    assert gradient_vector(half).dtype == np.float64  # one float64 vector, whatever the dtype
    keys = ["b_y", "W_hh"]
    np.testing.assert_array_equal(
        gradient_vector(grads, keys), np.concatenate([grads["b_y"], grads["W_hh"].ravel()])
    )


def test_gradient_vector_names_what_is_missing_or_wrong():
    p = rnnlib.init_params(2, 3, 2, seed=1)
    with pytest.raises(ValueError, match=r"grads has no entries \['b_y'\]"):
        gradient_vector({k: v for k, v in p.items() if k != "b_y"})
    with pytest.raises(TypeError, match="grads must be a mapping"):
        gradient_vector([p["W_xh"]])
    with pytest.raises(TypeError, match=r"grads\['W_hh'\] must be a numeric array"):
        gradient_vector(dict(p, W_hh="big"))
    with pytest.raises(TypeError, match="keys must be a list of names"):
        gradient_vector(p, "W_hh")
