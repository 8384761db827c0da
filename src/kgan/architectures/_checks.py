"""Argument checks shared by the architecture builders."""

from __future__ import annotations

from kgan.errors import ConfigurationError


def image_shape(input_shape, multiple: int) -> tuple[int, int, int]:
    """``(H, W, C)`` with H and W divisible by ``multiple`` and C in {1, 3}."""
    shape = tuple(input_shape) if input_shape is not None else ()
    if len(shape) != 3 or any(isinstance(s, bool) or int(s) != s or s < 1 for s in shape):
        raise ConfigurationError(
            f"input_shape must be (height, width, channels) of one image, received {input_shape!r}; "
            f"for grayscale 28x28 digits use input_shape=(28, 28, 1)."
        )
    h, w, c = (int(s) for s in shape)
    if h % multiple or w % multiple:
        raise ConfigurationError(
            f"input_shape {shape}: height and width must be divisible by {multiple} for this "
            f"architecture; pad or resize the images (for example to {(-(-h // multiple) * multiple)})."
        )
    if c not in (1, 3):
        raise ConfigurationError(f"input_shape {shape}: channels must be 1 (grayscale) or 3 (RGB), received {c}")
    return h, w, c


def own_recipe(recipe: dict, kwargs: dict) -> dict:
    """The model keywords with the architecture's ``recipe`` under the caller's: a caller's
    ``recipe={"learning_rate": 5e-4}`` changes that one setting and keeps the architecture's others
    (not the library-wide ``DEFAULT_RECIPE``)."""
    given = kwargs.get("recipe")
    if given is not None and not isinstance(given, dict):
        return kwargs  # not a recipe: the model refuses it, with the error every model gives
    return {**kwargs, "recipe": {**recipe, **(given or {})}}
