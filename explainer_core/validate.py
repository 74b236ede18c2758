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


SHOWN_LENGTH = 24  # a message quotes at most this much of what was typed


def _shown(value) -> str:
    """What the reader gave, short enough for a message: a long text is cut, a huge whole number
    written with its exponent."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool) and abs(value) >= 10**9:
        return f"{float(value):.6g}"
    text = repr(value)
    return text if len(text) <= SHOWN_LENGTH else text[:SHOWN_LENGTH - 1] + "…"


def real_number(name: str, value) -> float:
    """`value` as a finite float, or a ValueError/TypeError naming `name`."""
    if isinstance(value, bool) or value is None:
        raise ArgumentTypeError(name, f"{name} must be a number, got {_shown(value)}")
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise ArgumentValueError(name, f"{name} is empty: type a number")
        try:
            value = float(text)
        except ValueError:
            raise ArgumentValueError(name, f"{name} must be a number, got {_shown(value)}") from None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ArgumentTypeError(name, f"{name} must be a number, got {_shown(value)}") from None
    if not math.isfinite(number):
        raise ArgumentValueError(name, f"{name} must be a finite number, got {_non_finite(number)}")
    return number


def _non_finite(number: float) -> str:
    """NaN or an infinity in words, for a reader who may not know Python's spelling."""
    if math.isnan(number):
        return "something that is not a number"
    return "infinity" if number > 0 else "minus infinity"


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
        raise ArgumentTypeError(name, f"{name} must be a whole number, got {_shown(value)}")
    if isinstance(value, str):
        value = real_number(name, value)
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value) or value != int(value):
            raise ArgumentValueError(name, f"{name} must be a whole number, got {_shown(value)}")
        value = int(value)
    if not isinstance(value, (int, np.integer)):
        raise ArgumentTypeError(name, f"{name} must be a whole number, got {_shown(value)}")
    value = int(value)
    if not low <= value <= high:
        raise ArgumentValueError(name, f"{name} must be a whole number in [{low}, {high}], got {_shown(value)}")
    return value


def choice(name: str, value, allowed: Iterable[str]) -> str:
    """One of `allowed`, else a ValueError that lists them."""
    allowed = list(allowed)
    if value not in allowed:
        raise ArgumentValueError(name, f"unknown {name} {_shown(value)}; allowed: {', '.join(map(str, allowed))}")
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


MAX_SEED = 2**32 - 1
"""Largest seed accepted anywhere: every whole number a reader may type, exact in JavaScript."""


def seed(value, name: str = "seed") -> int:
    """A seed for numpy.random.default_rng: a whole number in [0, MAX_SEED]."""
    return integer_in_range(name, value, 0, MAX_SEED)


def rng_from_seed(value, name: str = "seed") -> np.random.Generator:
    """numpy.random.default_rng(seed) after checking the seed."""
    return np.random.default_rng(seed(value, name))


def generator(value, name: str = "rng", *, legacy: bool = False, optional: bool = False):
    """An explicit random generator: a numpy.random.Generator, else a TypeError naming `name`.

    `legacy=True` also accepts a RandomState, which replays the NNFS book's global
    `np.random` stream (only the data sets and initialisers take one); `optional=True` accepts
    None (for runs that draw nothing).
    """
    if value is None and optional:
        return None
    kinds = (np.random.Generator, np.random.RandomState) if legacy else (np.random.Generator,)
    if not isinstance(value, kinds):
        also = " or a numpy.random.RandomState" if legacy else ""
        raise ArgumentTypeError(
            name,
            f"{name} must be a numpy.random.Generator (numpy.random.default_rng(seed)){also}, "
            f"got {_shown(value)}",
        )
    return value


def flag(name: str, value) -> bool:
    """True or False (numpy's bool included), else a TypeError naming `name`."""
    if not isinstance(value, (bool, np.bool_)):
        raise ArgumentTypeError(name, f"{name} must be True or False, got {_shown(value)}")
    return bool(value)


MAX_POPULATION = 100_000
"""Largest population (or number of runs) any method accepts."""


def population(value, name: str = "population", low: int = 1) -> int:
    """A population size: a whole number in [low, MAX_POPULATION]."""
    return integer_in_range(name, value, low, MAX_POPULATION)


def beta(value, name: str = "beta") -> float:
    """An inverse temperature in [0, inf]; inf (or "inf") means: accept only downhill moves."""
    if not isinstance(value, bool) and isinstance(value, (int, float, np.floating, str)):
        try:
            if float(value) == math.inf:
                return math.inf
        except ValueError:
            pass
    return number_in_range(name, value, 0.0, math.inf)


MAX_ELEMENTS = 2**24
"""Memory budget: rows asked per generation times parameters, in float64 numbers (128 MiB)."""


def memory(rows: int, dimension: int, name: str = "population") -> None:
    """Refuse `rows` x `dimension` float64 numbers above the documented budget MAX_ELEMENTS, so
    a browser tab refuses a too large request instead of freezing."""
    if rows * dimension > MAX_ELEMENTS:
        raise ArgumentValueError(
            name,
            f"{name} x parameters = {rows} x {dimension} = {rows * dimension:,} numbers exceeds "
            f"the memory budget of {MAX_ELEMENTS:,} (128 MiB of float64); lower {name} or the "
            "number of parameters"
        )
