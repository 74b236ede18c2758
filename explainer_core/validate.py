"""Argument checks shared by every module: one clear ValueError/TypeError per bad input.

Each message names the argument, what it got and what is allowed, so that the browser can show
it next to the control the reader typed into.
"""

from __future__ import annotations

import math
from typing import Iterable

import numpy as np


class ArgumentValueError(ValueError):
    """A ValueError about one named argument (`.arg`), so a page can show it by that control."""

    def __init__(self, arg: str, message: str):
        super().__init__(message)
        self.arg = arg


class ArgumentTypeError(TypeError):
    """A TypeError about one named argument (`.arg`)."""

    def __init__(self, arg: str, message: str):
        super().__init__(message)
        self.arg = arg


def real_number(name: str, value) -> float:
    """`value` as a finite float, or a ValueError/TypeError naming `name`."""
    if isinstance(value, bool) or value is None:
        raise ArgumentTypeError(name, f"{name} must be a number, got {value!r}")
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise ArgumentValueError(name, f"{name} is empty: type a number")
        try:
            value = float(text)
        except ValueError:
            raise ArgumentValueError(name, f"{name} must be a number, got {value!r}") from None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ArgumentTypeError(name, f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ArgumentValueError(name, f"{name} must be a finite number, got {number!r}")
    return number


def number_in_range(
    name: str,
    value,
    low: float = -math.inf,
    high: float = math.inf,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """A finite float in [low, high] (or open ends), else a ValueError that states the range."""
    number = real_number(name, value)
    too_low = number <= low if low_open else number < low
    too_high = number >= high if high_open else number > high
    if too_low or too_high:
        left = "(" if low_open or low == -math.inf else "["
        right = ")" if high_open or high == math.inf else "]"
        raise ArgumentValueError(
            name,
            f"{name} must be in {left}{_fmt(low)}, {_fmt(high)}{right}, got {_fmt(number)}"
        )
    return number


def positive(name: str, value, high: float = math.inf) -> float:
    """A finite float in (0, high]."""
    return number_in_range(name, value, 0.0, high, low_open=True)


def integer_in_range(name: str, value, low: int, high: int) -> int:
    """An int in [low, high], else a ValueError that states the range."""
    if isinstance(value, bool):
        raise ArgumentTypeError(name, f"{name} must be a whole number, got {value!r}")
    if isinstance(value, str):
        value = real_number(name, value)
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value) or value != int(value):
            raise ArgumentValueError(name, f"{name} must be a whole number, got {value!r}")
        value = int(value)
    if not isinstance(value, (int, np.integer)):
        raise ArgumentTypeError(name, f"{name} must be a whole number, got {value!r}")
    value = int(value)
    if not low <= value <= high:
        raise ArgumentValueError(name, f"{name} must be a whole number in [{low}, {high}], got {value}")
    return value


def choice(name: str, value, allowed: Iterable[str]) -> str:
    """One of `allowed`, else a ValueError that lists them."""
    allowed = list(allowed)
    if value not in allowed:
        raise ArgumentValueError(name, f"unknown {name} {value!r}; allowed: {', '.join(map(str, allowed))}")
    return value


def float_array(name: str, value, ndim: int | None = None, allow_nan: bool = False) -> np.ndarray:
    """`value` as a float64 array with the given number of dimensions and no NaN/inf."""
    try:
        array = np.asarray(value)
    except Exception as error:  # ragged lists and the like
        raise ArgumentValueError(name, f"{name} must be a numeric array: {error}") from None
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_
    ):
        raise ArgumentTypeError(name, f"{name} must be a numeric array, got dtype {array.dtype}")
    if np.iscomplexobj(array):
        raise ArgumentTypeError(name, f"{name} must be real, got complex dtype {array.dtype}")
    array = array.astype(np.float64, copy=False)
    if ndim is not None and array.ndim != ndim:
        raise ArgumentValueError(name, f"{name} must have {ndim} dimension(s), got shape {array.shape}")
    if not allow_nan and not np.all(np.isfinite(array)):
        raise ArgumentValueError(name, f"{name} contains NaN or infinite values")
    return array


def _fmt(x: float) -> str:
    if x in (math.inf, -math.inf):
        return "inf" if x > 0 else "-inf"
    return f"{x:g}"


def generator(value, name: str = "rng"):
    """An explicit random generator: a numpy Generator, or a legacy RandomState (which replays
    the NNFS book's global `np.random` stream); anything else is a TypeError naming `name`."""
    if not isinstance(value, (np.random.Generator, np.random.RandomState)):
        raise ArgumentTypeError(
            name,
            f"{name} must be a numpy.random.Generator (numpy.random.default_rng(seed)) "
            f"or a numpy.random.RandomState, got {value!r}",
        )
    return value
