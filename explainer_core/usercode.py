"""The reader's own version of a library function, run by a demo in place of the library's.

A demo module lists the functions a reader may rewrite in `EDITABLE`, each with the contract
its answer must keep (what `returns` checks):

    EDITABLE = {"search:metropolis_accept": usercode.returns_like("delta", kind="b")}

A request to the demo may then carry `code`: {"search:metropolis_accept": "def metropolis_accept(...): ..."}.
`compile_overrides` compiles each text in a copy of the library module's globals (so the code
sees the same names as the library's own, `np` and `math` included), checks that it defines the
function with the library function's parameters, and wraps it so that

* an exception raised in the reader's code becomes a `CodeError` naming the line of that code
  and saying in plain words what happened;
* an answer of the wrong kind or shape becomes a `CodeError` saying what was expected and what
  came back.

`installed(overrides)` puts the wrapped functions in place of the library's for the duration of
a `with` block (the library looks its functions up by name at every call, so the demo runs
with them), and always restores the library's. This is the reader's own code in the reader's
own browser: it is not sandboxed, only kept from breaking the demo. A function that never
returns is the page's to stop (it runs in a worker the page can replace).
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import sys
import traceback
from typing import Any, Callable

import numpy as np

FILENAME = "<your code>"
MAX_CHARS = 20_000
PACKAGE = "explainer_core"


class CodeError(ValueError):
    """Something wrong in the reader's code: `line` is the line of their text (1-based) or None."""

    arg = "code"

    def __init__(self, message: str, line: int | None = None, function: str | None = None):
        super().__init__(message)
        self.line = line
        self.function = function


# ---------------------------------------------------------------- what an answer must look like


def shape_of(value: Any) -> str:
    """A reader's answer described in words: "an array of shape (3, 4) of floats", "a float"."""
    if isinstance(value, np.ndarray):
        kinds = {"b": "True/False values", "f": "floats", "i": "integers", "u": "integers",
                 "c": "complex numbers"}
        return f"an array of shape {tuple(value.shape)} of {kinds.get(value.dtype.kind, value.dtype.name)}"
    if isinstance(value, (bool, np.bool_)):
        return f"a single True/False ({bool(value)})"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return f"a single number ({value!r})"
    if value is None:
        return "None (did the function forget to return?)"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} items"
    return f"a {type(value).__name__}"


def returns_like(argument: str, kind: str = "f") -> Callable[[dict, Any], str | None]:
    """Contract: an array of the shape of the argument called `argument`, of dtype kind `kind`
    ("f": numbers, "b": True/False)."""
    return returns_shape(lambda args: np.shape(args[argument]), kind, f"the shape of `{argument}`")


def returns_shape(shape: Callable[[dict], tuple], kind: str = "f", why: str = "") -> Callable[[dict, Any], str | None]:
    """Contract: an array of shape `shape(arguments)` and of dtype kind `kind`."""
    words = {"f": "numbers", "b": "True/False values"}[kind]

    def check(args: dict, value: Any) -> str | None:
        expected = tuple(int(n) for n in shape(args))
        array = value if isinstance(value, np.ndarray) else None
        if array is None and isinstance(value, (list, tuple, bool, int, float, np.generic)):
            try:
                array = np.asarray(value)
            except (ValueError, TypeError):
                array = None
        ok = array is not None and array.shape == expected and (
            array.dtype.kind == "b" if kind == "b" else array.dtype.kind in "biuf")
        if ok:
            return None
        because = f" ({why})" if why else ""
        return (f"should return an array of shape {expected} of {words}{because}; "
                f"yours returned {shape_of(value)}")

    return check


def returns_arrays(names: tuple[str, ...], like: str) -> Callable[[dict, Any], str | None]:
    """Contract: a tuple of len(names) arrays of numbers, each of the shape of the argument `like`."""
    each = returns_like(like)
    listed = ", ".join(names)

    def check(args: dict, value: Any) -> str | None:
        if not isinstance(value, (tuple, list)) or len(value) != len(names):
            return (f"should return {len(names)} arrays ({listed}), each of the shape of `{like}`; "
                    f"yours returned {shape_of(value)}")
        for name, part in zip(names, value):
            problem = each(args, part)
            if problem:
                return f"should return ({listed}): its `{name}` " + problem.replace("should return", "should be", 1)
        return None

    return check


def returns_index(argument: str, none: str) -> Callable[[dict, Any], str | None]:
    """Contract: an integer index into the argument `argument`, or -1 for `none`."""

    def check(args: dict, value: Any) -> str | None:
        last = len(args[argument]) - 1
        ok = isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
        if ok and -1 <= int(value) <= last:
            return None
        return (f"should return an integer from 0 to {last} (an index into `{argument}`) or -1 "
                f"({none}); yours returned {shape_of(value)}")

    return check


# ---------------------------------------------------------------- compiling and wrapping


def resolve(name: str):
    """(module, attribute, object) for "module:attribute" in the package; the attribute may be
    dotted ("module:Class.method") where only the text is wanted (the Python panel)."""
    module_part, _, attribute = name.partition(":")
    if not module_part or not attribute:
        raise ValueError(f"{name!r} is not 'module:function'")
    module = importlib.import_module(f"{PACKAGE}.{module_part}")
    found = module
    for part in attribute.split("."):
        found = getattr(found, part)
    return module, attribute, found


def _target(name: str):
    """`resolve` for a function that can be put in place: a module's own attribute."""
    if "." in name.partition(":")[2]:
        raise ValueError(f"{name!r} is not 'module:function'")
    return resolve(name)


def _line_in_reader_code(tb) -> int | None:
    line = None
    for frame in traceback.extract_tb(tb):
        if frame.filename == FILENAME:
            line = frame.lineno  # the innermost frame of the reader's code
    return line


def _plain(error: BaseException) -> str:
    """An exception in words a beginner can read."""
    kind = type(error).__name__
    text = str(error)
    hints = {
        "NameError": "a name is used that the code never defined",
        "IndexError": "an index past the end of an array or list",
        "TypeError": "a value of the wrong type was used",
        "AttributeError": "a value has no attribute of that name",
        "RecursionError": "the function calls itself without end",
        "ValueError": "a value that the operation cannot take",
        "KeyError": "a key that is not in the dictionary",
    }
    hint = hints.get(kind)
    return f"{kind}: {text}" + (f" ({hint})" if hint else "")


def compile_function(text: Any, name: str, target=None) -> Callable:
    """The reader's version of the library function `name` ("module:function"), unwrapped;
    `target`: `_target(name)` when the caller has it already."""
    module, attribute, original = target or _target(name)
    if not isinstance(text, str):
        raise CodeError("The code must be text.", function=attribute)
    if len(text) > MAX_CHARS:
        raise CodeError(f"The code is {len(text):,} characters long; at most {MAX_CHARS:,} are taken.",
                        function=attribute)
    try:
        compiled = compile(text, FILENAME, "exec")
    except SyntaxError as error:
        line = error.lineno
        where = f"line {line}: " if line else ""
        raise CodeError(f"Syntax error on {where}{error.msg}.", line=line, function=attribute) from None
    namespace = dict(vars(module))  # the library module's names, not its objects changed
    try:
        exec(compiled, namespace)
    except Exception as error:  # the reader's top-level statements
        line = _line_in_reader_code(sys.exc_info()[2])
        raise CodeError(f"Line {line}: {_plain(error)}." if line else f"{_plain(error)}.",
                        line=line, function=attribute) from None
    function = namespace.get(attribute)
    if function is original or not callable(function):
        raise CodeError(f"The code must define a function called `{attribute}` "
                        f"(def {attribute}{inspect.signature(original)}: ...).", line=1, function=attribute)
    wanted = list(inspect.signature(original).parameters)
    have = inspect.signature(function).parameters
    try:
        inspect.signature(function).bind(*wanted)
    except TypeError:
        raise CodeError(f"`{attribute}` must take the arguments ({', '.join(wanted)}); "
                        f"yours takes ({', '.join(have)}).",
                        line=function.__code__.co_firstlineno, function=attribute) from None
    return function


def checked(function: Callable, name: str, contract: Callable[[dict, Any], str | None] | None,
            target=None) -> Callable:
    """`function` (the reader's) wrapped: its errors and wrong answers as `CodeError`s."""
    _, attribute, original = target or _target(name)
    signature = inspect.signature(original)
    first_line = function.__code__.co_firstlineno

    def run(*args, **kwargs):
        try:
            value = function(*args, **kwargs)
        except CodeError:
            raise
        except Exception as error:
            line = _line_in_reader_code(sys.exc_info()[2])
            where = f"Line {line}" if line else f"`{attribute}`"
            raise CodeError(f"{where}: {_plain(error)}.", line=line, function=attribute) from None
        if contract is not None:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            problem = contract(dict(bound.arguments), value)
            if problem:
                raise CodeError(f"`{attribute}` {problem}.", line=first_line, function=attribute)
        return value

    run.__name__ = attribute
    run.__wrapped_reader__ = function
    return run


def compile_overrides(code: Any, editable: dict) -> list[tuple[Any, str, Callable]]:
    """[(module, attribute, wrapped function)] for a request's `code`: {name: text}; only names
    in the demo's `editable` are taken."""
    if code is None:
        return []
    if not isinstance(code, dict):
        raise CodeError("`code` must map a function's name to its text.")
    overrides = []
    for name, text in code.items():
        if name not in editable:
            choices = ", ".join(sorted(editable)) or "none"
            raise CodeError(f"{name!r} cannot be rewritten in this demo (it can: {choices}).")
        target = _target(name)  # resolved once, before any override is in place
        function = checked(compile_function(text, name, target), name, editable[name], target)
        overrides.append((target[0], target[1], function))
    return overrides


@contextlib.contextmanager
def installed(overrides: list[tuple[Any, str, Callable]]):
    """The reader's functions in place of the library's inside the block; restored after."""
    saved = [(module, attribute, getattr(module, attribute)) for module, attribute, _ in overrides]
    try:
        for module, attribute, function in overrides:
            setattr(module, attribute, function)
        yield
    finally:
        for module, attribute, original in reversed(saved):
            setattr(module, attribute, original)
