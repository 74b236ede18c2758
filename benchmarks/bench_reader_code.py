"""A demo run with the reader's own function against the same run with the library's, when the
reader's text is the library's own (explainer_core.usercode): the price of compiling it, of the
wrapper that checks every answer, and of putting it in place for every chunk of the stream.
Interleaved repeats, best of each, the ratio side by side; asserts nothing.

    .venv/bin/python benchmarks/bench_reader_code.py

The browser figures (the editor's size and load time, a run with the reader's function in the
page) are printed by tests/browser/test_reader_code.py (run it with -s).
"""

from __future__ import annotations

import inspect
import json
import time

from explainer_core import demos, numdiff, optim, search, speculative, yours

PLAY = {"task": "vertical", "samples": "50", "width": "8", "steps": "300", "r1_method": "off",
        "r2_method": "off", "r3_method": "off", "r4_method": "off", "view_ms": 50}
CASES = (
    ("random-search", "race", {"iterations": "10000"}, "speculative:tweak", speculative.tweak),
    ("derivatives", "shrink", {"f": "sin(x)", "x": "1"}, "numdiff:forward_difference", numdiff.forward_difference),
    ("evolution", "run", {"rounds": "200"}, "search:_mutations", search._mutations),
    ("evolution", "run", {"rounds": "200"}, "search:select", search.select),
    ("gradient-descent", "train", {"steps": "300"}, "optim:descent_step", optim.descent_step),
    ("momentum-adam", "run", {"steps": "300"}, "optim:adam_direction", optim.adam_direction),
    ("neuroevolution", "run", {"mutations": "250"}, "search:metropolis_accept", search.metropolis_accept),
    ("playground", "race", {**PLAY, "r5_method": "yours"}, "yours:ask", yours.ask),
    ("playground", "race", {**PLAY, "r5_method": "yours"}, "yours:tell", yours.tell),
    ("playground", "race", {**PLAY, "r5_method": "yours_gradient"}, "yours:update", yours.update),
)
REPEATS = 5


def stream_seconds(demo: str, method: str, args: dict) -> float:
    t0 = time.perf_counter()
    stream = demos.start(json.dumps({"demo": demo, "method": method, "args": args}))
    while True:
        out = json.loads(stream.advance(max_frames=1000, budget_ms=30))  # the worker's chunks
        assert out["ok"], out
        if out["done"]:
            return time.perf_counter() - t0


def main() -> None:
    print(f"{'demo':17} {'function':20} {'library s':>9} {'reader s':>9} {'ratio':>6}")
    for demo, method, args, name, function in CASES:
        mine = {**args, "code": {name: inspect.getsource(function)}}
        library, reader = [], []
        for _ in range(REPEATS):  # interleaved, so that both see the same machine
            library.append(stream_seconds(demo, method, args))
            reader.append(stream_seconds(demo, method, mine))
        a, b = min(library), min(reader)
        print(f"{demo:17} {name.split(':')[1]:20} {a:9.3f} {b:9.3f} {b / a:6.3f}")


if __name__ == "__main__":
    main()
