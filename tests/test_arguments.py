"""kgan.arguments: one message style for integer and number arguments."""

import numpy as np
import pytest

from kgan.arguments import check_int, check_number, positive_int
from kgan.errors import ConfigurationError


@pytest.mark.parametrize("value", [1, 7, np.int64(3), np.uint8(2)])
def test_check_int_accepts_python_and_numpy_integers_and_returns_int(value):
    out = check_int("n", value)
    assert out == value and type(out) is int


@pytest.mark.parametrize("value", [0, -1, True, False, 2.0, "3", None, np.float32(2)])
def test_check_int_refuses_with_the_name_the_rule_and_the_value(value):
    with pytest.raises(ConfigurationError, match=rf"^n must be a positive integer, received {value!r}$".replace("(", r"\(").replace(")", r"\)")):
        check_int("n", value)


def test_check_int_minimum_none_meaning_and_error_class():
    assert check_int("pool_size", 0, 0) == 0
    with pytest.raises(ConfigurationError, match=r"pool_size must be an integer >= 0 \(images\), received -1"):
        check_int("pool_size", -1, 0, meaning=" (images)")
    assert check_int("keep", None, none=True) is None
    with pytest.raises(ConfigurationError, match="keep must be None or a positive integer"):
        check_int("keep", 0, none=True)
    with pytest.raises(ValueError, match="every must be a positive integer"):
        check_int("every", 0, error=ValueError)
    assert positive_int("units", 5) == 5


def test_check_number_intervals():
    assert check_number("rate", 0, 0, 1, high_open=True) == 0.0
    assert check_number("ratio", np.float32(8), 0, 8, low_open=True) == 8.0
    for value, match in [
        (1, r"rate must be a number in \[0, 1\), received 1"),
        (float("nan"), r"rate must be a number in \[0, 1\), received nan"),
        (True, r"rate must be a number in \[0, 1\), received True"),
        ("0.5", r"rate must be a number in \[0, 1\), received '0.5'"),
    ]:
        with pytest.raises(ConfigurationError, match=match):
            check_number("rate", value, 0, 1, high_open=True)
    with pytest.raises(ConfigurationError, match=r"ratio must be a number in \(0, 8\] such as 0.5, received 0"):
        check_number("ratio", 0, 0, 8, low_open=True, meaning=" such as 0.5")
    with pytest.raises(ConfigurationError, match="lambda must be a number >= 0, received -2"):
        check_number("lambda", -2, 0)
    assert check_number("t", float("inf")) == float("inf") and check_number("t", None, none=True) is None


def test_check_schedule_config_builds_the_schedule_or_names_the_argument_and_the_reason():
    import keras

    from kgan.arguments import check_schedule_config

    config = keras.optimizers.schedules.serialize(keras.optimizers.schedules.PolynomialDecay(1.0, 10, end_learning_rate=3.0))
    built = check_schedule_config("gamma", config, "a number")
    assert isinstance(built, keras.optimizers.schedules.PolynomialDecay) and float(built(10)) == pytest.approx(3.0)
    with pytest.raises(ValueError, match=r"gamma must be a number \(instance or config\); the config .* does not build one"):
        check_schedule_config("gamma", {"class_name": "NoSuchSchedule", "config": {}}, "a number", error=ValueError)
    with pytest.raises(ConfigurationError, match="does not build one: "):  # Keras' reason is kept
        check_schedule_config("rate", {"class_name": "PolynomialDecay", "config": {"nonsense": 1}}, "a rate")
