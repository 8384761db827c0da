"""Property-based tests (hypothesis) for the parsers that face user input."""

import json
import string
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import kgan
from kgan_cli.app import _parse_options
from kgan.errors import ConfigurationError, DataError
from kgan.models.data_checks import check_samples

keys = st.text(alphabet=string.ascii_letters + "_", min_size=1, max_size=12)
json_values = st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False), st.booleans(), st.text(max_size=10))


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(keys, json_values, max_size=5))
def test_option_parsing_round_trips_json_values(options):
    pairs = tuple(f"{k}={json.dumps(v)}" for k, v in options.items())
    assert _parse_options(pairs) == options


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(max_size=20), max_size=5))
def test_option_parsing_never_crashes(pairs):
    try:
        parsed = _parse_options(tuple(pairs))
    except ConfigurationError as exc:
        assert "KEY=VALUE" in str(exc)
    else:
        assert all("=" in p and p.partition("=")[0] for p in pairs)
        assert set(parsed) == {p.partition("=")[0] for p in pairs}




@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hnp.arrays(dtype=st.sampled_from([np.uint8, np.float32, np.int16]), shape=hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=6)))
def test_npz_loading_gives_unit_range_images_or_a_data_error(array):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "d.npz"
        np.savez(path, x=array)
        try:
            x = kgan.datasets.load(str(path))
        except DataError:
            return
        assert x.dtype == np.float32
        if x.ndim == 4 and x.size:
            assert np.nanmin(x) >= -1.0 - 1e-6 and np.nanmax(x) <= 1.0 + 1e-6


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hnp.arrays(dtype=st.sampled_from([np.float32, np.float64, np.uint8, np.int64]), shape=hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=5)))
def test_sample_checks_accept_or_explain(array):
    try:
        check_samples(array, expected_shape=(4, 4, 1), data_range=(-1.0, 1.0))
    except DataError as exc:
        assert str(exc)
    else:
        assert array.shape[1:] == (4, 4, 1) and np.issubdtype(array.dtype, np.floating)
        assert np.isfinite(array).all() and array.min() >= -1.001 and array.max() <= 1.001


@pytest.mark.parametrize("name", ["ring8", "grid25"])
@given(n=st.integers(1, 300), seed=st.integers(0, 2**31 - 1))
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_mixtures_any_size_and_seed(name, n, seed):
    x, y = kgan.datasets.load(name, with_labels=True, n=n, seed=seed)
    assert x.shape == (n, 2) and y.shape == (n,) and np.isfinite(x).all()
