"""The JSON entry points of the dimensions demo (explainer_core.demos.dimensions), bad input
included; they run on CPython and in Pyodide."""

import json
import math

import pytest

from explainer_core import demos
from explainer_core.chapters import dimensions as chapter


def frames(**args):
    stream = demos.start(json.dumps({"demo": "dimensions", "method": "count", "args": args}))
    out = []
    while True:
        chunk = json.loads(stream.advance(1000, 60_000))
        if not chunk["ok"]:
            return out, chunk["error"]
        out += chunk["frames"]
        if chunk["done"]:
            return out, None


def test_setup_offers_the_choices_and_a_log_slider_from_2_to_10000():
    reply = json.loads(demos.call(json.dumps({"demo": "dimensions", "method": "setup", "args": {}})))
    assert reply["ok"]
    r = reply["result"]
    assert r["ticks"][0] == 2 and r["ticks"][-1] == 10_000
    assert r["default_d"] in r["ticks"] and {10, 100, 1000} <= set(r["ticks"])
    ratios = [b / a for a, b in zip(r["ticks"], r["ticks"][1:])]
    assert max(ratios) < 1.6  # evenly on a log scale, whole numbers
    assert [v for v, _ in r["choices"]["task"]] == ["sphere", "network"]
    assert [v for v, _ in r["choices"]["scaling"]] == ["fixed", "sqrt", "linear"]
    assert set(r["fields"]) == {"sigma", "samples", "seed"}


def test_the_count_is_the_chapters_and_comes_in_chunks():
    out, error = frames(task="sphere", d=10_000, sigma="0.0005", scaling="fixed",
                        samples="1000", seed="3")
    assert error is None
    assert len(out) == 1000 // (chapter.CHUNK_VALUES // 10_000)  # 20 rows per chunk
    assert [f["done"] for f in out] == sorted(f["done"] for f in out)
    last = out[-1]
    assert last["fraction"] == chapter.live_fraction("sphere", 10_000, 0.0005, "fixed", 1000, 3)
    assert last["formula"] == pytest.approx(0.5 * math.erfc(0.0005 * 10_000 / 2 / math.sqrt(2)))
    assert last["reason"].startswith("Done (seed 3): ") and last["outcome"] == "done"
    assert "reason" not in out[0]


def test_the_network_says_how_many_parameters_it_really_has():
    out, _ = frames(task="network", d=1000, sigma="1", samples="20")
    assert out[-1]["parameters"] == 1000 == chapter.network_parameters(1000)
    assert "1-333-1" in out[-1]["what"] and out[-1]["formula"] is None
    out, _ = frames(task="network", d=2, sigma="1", samples="20")
    assert out[-1]["parameters"] == 4 and "4 parameters" in out[-1]["what"]


def test_no_improvement_is_explained_in_words():
    out, _ = frames(task="sphere", d=10_000, sigma="0.1", samples="100")
    assert out[-1]["improved"] == 0 and out[-1]["outcome"] == "none"
    assert "σ√D" in out[-1]["reason"]


@pytest.mark.parametrize("args,arg,text", [
    ({"sigma": "0"}, "σ", "σ must be a number above 0 and at most 10, got 0"),
    ({"sigma": "11"}, "σ", "σ must be a number above 0 and at most 10, got 11"),
    ({"sigma": "NaN"}, "σ", "σ must be a number above 0 and at most 10"),
    ({"sigma": "abc"}, "σ", "σ must be a number above 0 and at most 10"),
    ({"sigma": ""}, "σ", "σ is empty"),
    ({"samples": "5"}, "mutations", "mutations must be a whole number from 10 to 10,000, got 5"),
    ({"samples": "1.5"}, "mutations", "mutations must be a whole number"),
    ({"seed": "-1"}, "seed", "seed must be a whole number from 0"),
    ({"d": 20_000}, "D", "D must be a whole number"),
    ({"task": "cube"}, "landscape", "unknown landscape"),
])
def test_bad_input_names_its_control_and_range(args, arg, text):
    out, error = frames(**args)
    assert out == [] and error["arg"] == arg
    assert error["message"].startswith(text)
    assert "nan" not in error["message"].lower().replace("not a number", "")
