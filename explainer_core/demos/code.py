"""The library code behind each demo, for the page's "Python" panel.

A demo module names the functions it runs that carry the chapter's idea in `CODE`: a tuple of
`"module:function"` (the module relative to `explainer_core`), each with the id of the heading
in the chapter that explains it:

    CODE = (("search:tweak_and_keep", "the-experiment"), ("speculative:keep_best", "the-experiment"))

`source(demo)` answers with each function's text as the running package holds it (read by
`inspect` from the installed files, so in the browser it is the wheel's text, never a copy that
could drift), its file inside the package and its first line there. Every demo answers the
method `source` (see `explainer_core.demos.call`). The functions of the module's `EDITABLE` are
marked `editable`: the page offers an editor for them.
"""

from __future__ import annotations

import inspect
from pathlib import PurePosixPath

from .. import usercode
from ..usercode import PACKAGE


def _entry(name: str, anchor: str) -> dict:
    module, attribute, function = usercode.resolve(name)
    lines, first = inspect.getsourcelines(function)
    path = PurePosixPath(inspect.getsourcefile(function).replace("\\", "/"))
    inside = path.parts[len(path.parts) - 1 - path.parts[::-1].index(PACKAGE):]
    return {
        "key": name,
        "name": f"{module.__name__}.{attribute}",
        "file": "/".join(inside),
        "line": first,
        "text": "".join(lines),
        "anchor": anchor,
    }


def source(demo_module) -> list[dict]:
    """The functions a demo module lists in CODE, each as {key, name, file, line, text, anchor,
    editable}: `key` is the "module:function" of CODE, `editable` whether the reader may rewrite
    it (the module's EDITABLE, see `explainer_core.usercode`)."""
    editable = getattr(demo_module, "EDITABLE", {})
    return [{**_entry(name, anchor), "editable": name in editable}
            for name, anchor in getattr(demo_module, "CODE", ())]
