"""rnnlib.params: the number of trainable numbers (independent of T), and what init_params
does with each argument it is given."""

import numpy as np
import pytest

import rnnlib
from rnnlib.params import n_parameters


def test_parameter_count():
    assert n_parameters(3, 4, 1) == 4 * 3 + 4 * 4 + 4 + 1 * 4 + 1


@pytest.mark.parametrize("D, H, O", [(1, 1, 1), (3, 4, 1), (32, 128, 8)])
def test_parameter_count_is_the_size_of_the_parameters(D, H, O):
    params = rnnlib.init_params(D, H, O, seed=0)
    assert n_parameters(D, H, O) == sum(v.size for v in params.values())


def test_parameter_count_rejects_bad_sizes():
    with pytest.raises(ValueError, match="H must be a positive integer"):
        n_parameters(3, 0, 1)
    with pytest.raises(TypeError, match="O must be a positive integer"):
        n_parameters(3, 4, 1.0)


def test_every_scheme_uses_each_argument_it_is_given():
    # scale: the standard deviation of W_xh and W_hy (and W_hh for "small") where used
    for scheme in ("small", "orthogonal", "identity"):
        a = rnnlib.init_params(3, 40, 30, seed=2, scheme=scheme, scale=0.5)
        assert np.std(a["W_xh"]) == pytest.approx(0.5, rel=0.1)
        assert np.std(a["W_hy"]) == pytest.approx(0.5, rel=0.1)
        default = rnnlib.init_params(3, 40, 30, seed=2, scheme=scheme)
        explicit = rnnlib.init_params(3, 40, 30, seed=2, scheme=scheme, scale=0.01)
        assert all(np.array_equal(default[k], explicit[k]) for k in rnnlib.PARAM_NAMES)
    assert np.std(rnnlib.init_params(3, 40, 30, scheme="small", scale=0.5)["W_hh"]) == (
        pytest.approx(0.5, rel=0.1)
    )
    # radius and singular rescale W_hh in every scheme
    for scheme in rnnlib.SCHEMES:
        W = rnnlib.init_params(3, 6, 2, seed=1, scheme=scheme, radius=0.8)["W_hh"]
        assert rnnlib.spectral_radius(W) == pytest.approx(0.8)
        W = rnnlib.init_params(3, 6, 2, seed=1, scheme=scheme, singular=1.7)["W_hh"]
        assert rnnlib.sigma_max(W) == pytest.approx(1.7)


@pytest.mark.parametrize("scale", [0.1, 0.01, 0])
def test_xavier_has_no_scale_and_says_so(scale):
    with pytest.raises(ValueError, match=r"scale is not used by scheme='xavier'.*got scale="):
        rnnlib.init_params(2, 3, 1, scheme="xavier", scale=scale)


def test_norms_of_half_precision_matrices():
    """numpy's linalg has no float16: the norms are computed in float32."""
    W = np.array([[3.0, 0.0], [0.0, -2.0]], dtype=np.float16)
    assert rnnlib.sigma_max(W) == 3.0
    assert rnnlib.spectral_radius(W) == 3.0
    p = rnnlib.init_params(2, 3, 1, dtype=np.float16)
    bound = rnnlib.gradient_bound(p, "tanh", [0, 1])
    assert np.allclose(bound, [1.0, rnnlib.sigma_max(p["W_hh"])], rtol=1e-3)
