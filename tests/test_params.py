"""rnnlib.params.n_parameters: the number of trainable numbers, independent of T."""

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
