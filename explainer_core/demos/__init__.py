"""Entry points the browser calls: JSON in, JSON out.

The page's worker sends `{"demo": NAME, "method": METHOD, "args": {...}}` as a JSON string to
`call`, which runs `explainer_core.demos.NAME.METHODS[METHOD](**args)` and answers

    {"ok": true, "result": ...}
    {"ok": false, "error": {"type": "ValueError", "message": "...", "arg": "learning rate"}}

`arg` names the control a bad value came from, so the page can show the message beside it.
Long runs are generators: `start` returns a `Stream` whose `advance(max_frames, budget_ms)` steps
the generator until either limit and returns the frames so far, so the worker can post them and
read a Stop message between chunks. Every float that is not finite is sent as null (JSON has no
NaN); a demo that can diverge says so in words in its frames.

A demo is named by its chapter's slug (`real-landscapes`); its module is the slug with
underscores (`explainer_core/demos/real_landscapes.py`) and defines `METHODS: dict[str, callable]`
and `CODE`, the library functions its "Python" panel shows (see `code.py`); the method `source`
answers with their text for every demo. A module may also define `EDITABLE`, the library
functions a reader may rewrite (see `explainer_core.usercode`): a request's `"code": {name:
text}` then runs the method (and every chunk of its stream) with the reader's functions in place
of the library's, and an error in them answers with `arg` "code" and the `line` of their text.
Adding one means adding a module here and its slug to `DEMOS`.
"""

from __future__ import annotations

import importlib
import json
import math
import time
from typing import Any, Iterator

import numpy as np

from .. import usercode, validate
from . import code

DEMOS = ("function", "landscape", "random-search", "derivatives", "evolution", "gradient-descent",
         "gradient-descent-backprop", "gradient-descent-batches", "momentum-adam", "images",
         "dimensions", "real-landscapes", "neuroevolution", "evolution-wins", "conclusion", "playground")


def module_name(demo: str) -> str:
    """The module of the demo called `demo` (a chapter slug): hyphens become underscores."""
    return f"{__name__}.{demo.replace('-', '_')}"


def module(demo: str):
    """The demo module called `demo`; ValueError listing the demos otherwise."""
    validate.choice("demo", demo, DEMOS)
    return importlib.import_module(module_name(demo))


def jsonable(value: Any) -> Any:
    """Plain Python data for json.dumps: arrays to lists, non-finite floats to None."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f" and np.all(np.isfinite(value)):
            return value.tolist()  # the common case, without visiting every element
        return jsonable(value.tolist())
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else None
    return value


def _dumps(payload: dict) -> str:
    return json.dumps(jsonable(payload), allow_nan=False, separators=(",", ":"))


def _error(error: Exception) -> dict:
    answer = {"type": type(error).__name__, "message": str(error), "arg": getattr(error, "arg", None)}
    if isinstance(error, usercode.CodeError):
        answer["line"] = error.line
        answer["function"] = error.function
    return {"ok": False, "error": answer}


def _method(demo: str, method: str):
    demo_module = module(demo)
    if method == "source":  # every demo: the library code it runs (code.py)
        return lambda: code.source(demo_module)
    methods = demo_module.METHODS
    validate.choice("method", method, methods)
    return methods[method]


def _parse(request_json: str) -> tuple[Any, dict, list]:
    """The method, its arguments and the reader's functions to put in place (usercode)."""
    request = json.loads(request_json)
    args = request.get("args") or {}
    if not isinstance(args, dict):
        raise validate.ArgumentTypeError("args", "args must be an object of named arguments")
    args = dict(args)
    reader_code = args.pop("code", None)
    function = _method(request["demo"], request["method"])
    editable = getattr(module(request["demo"]), "EDITABLE", {})
    return function, args, usercode.compile_overrides(reader_code, editable)


def call(request_json: str) -> str:
    """Run one demo method; the answer as a JSON string (see the module docstring)."""
    try:
        function, args, overrides = _parse(request_json)
        with usercode.installed(overrides):
            return _dumps({"ok": True, "result": function(**args)})
    except (ValueError, TypeError) as error:
        return _dumps(_error(error))


class Stream:
    """A running generator, stepped in chunks by the worker."""

    def __init__(self, frames: Iterator[dict] | None, error: dict | None = None, overrides=()):
        self._frames = frames
        self._error = error
        self._overrides = list(overrides)  # the reader's functions, in place while it steps

    def advance(self, max_frames: int = 1000, budget_ms: float = 30.0) -> str:
        """Frames produced within the limits, as {"ok", "frames", "done"} JSON."""
        if self._error is not None:
            return _dumps({**self._error, "frames": [], "done": True})
        frames: list[dict] = []
        deadline = time.perf_counter() + budget_ms / 1000.0
        done = False
        try:
            with usercode.installed(self._overrides):
                while len(frames) < max_frames and time.perf_counter() < deadline:
                    frames.append(next(self._frames))
        except StopIteration:
            done = True
        except (ValueError, TypeError) as error:
            return _dumps({**_error(error), "frames": frames, "done": True})
        return _dumps({"ok": True, "frames": frames, "done": done})

    def close(self) -> None:
        if self._frames is not None:
            self._frames.close()


def start(request_json: str) -> Stream:
    """Start a streaming method; bad arguments surface on the first `advance`."""
    try:
        function, args, overrides = _parse(request_json)
        with usercode.installed(overrides):
            frames = function(**args)
            # Generators check their arguments lazily; run to the first frame now so that a bad
            # argument is reported at once, then hand that frame out first.
            first = next(frames)

        def chain():
            yield first
            yield from frames

        return Stream(chain(), overrides=overrides)
    except StopIteration:
        return Stream(iter(()))
    except (ValueError, TypeError) as error:
        return Stream(None, _error(error))
