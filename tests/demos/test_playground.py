"""The playground's JSON entry points: setup, the lockstep race, export/import, from_demo."""

from __future__ import annotations

import csv
import io
import json
import math

import numpy as np
import pytest

from explainer_core import activations, datasets, losses, nets, optim, search, train
from explainer_core.chapters import landscape as landscape_chapter
from explainer_core.demos import DEMOS, jsonable
from explainer_core.demos import playground as pg


def error_of(function, **kwargs):
    with pytest.raises((ValueError, TypeError)) as caught:
        result = function(**kwargs)
        if hasattr(result, "__next__"):
            next(result)
    return caught.value


def records(**values) -> dict:
    return pg.run_all(**values)


# ---------------------------------------------------------------- setup


def test_setup_offers_every_activation_and_method_and_counts_parameters():
    reply = pg.setup()
    assert [a for a, _ in reply["choices"]["activation"]] == list(activations.ACTIVATIONS)
    methods = {m for m, _ in reply["choices"]["method"]}
    assert methods == {"off", *optim.OPTIMIZERS, "random_search", "tweak_and_keep",
                       "local_search", "genetic", "openai_es", "metropolis"}
    # run 5 is the reader's own: its search method or its gradient method (explainer_core.yours)
    assert [m for m, _ in reply["choices"]["own_method"]] == ["off", "yours", "yours_gradient"]
    assert pg.defaults()["r5_method"] == "off"
    assert "run 5 method" in str(error_of(pg.setup, r5_method="adam"))
    assert "run 1 method" in str(error_of(pg.setup, r1_method="yours"))
    assert reply["parameters"] == nets.param_count((1, 16, 1)) == 1 * 16 + 16 + 16 + 1
    wide = pg.setup(layers="2", width="8", task="spiral", classes="3", loss="mae")
    assert wide["parameters"] == (2 * 8 + 8) + (8 * 8 + 8) + (8 * 3 + 3)
    assert pg.setup(layers="0")["parameters"] == 2
    assert wide["loss"] == "softmax_cross_entropy"  # classes take cross-entropy


def test_every_field_has_a_default_the_setup_accepts_and_a_label():
    d = pg.defaults()
    pg.Setup(d)
    for name, spec in pg.setup()["fields"].items():
        assert spec["label"] and name in d


@pytest.mark.parametrize("task", [t for t, _ in pg.TASKS if t != "points"])
def test_every_task_runs_every_view(task):
    frames = list(pg.race(task=task, steps="3", view_ms=0))
    assert [f["step"] for f in frames] == [0, 1, 2, 3]
    last = frames[-1]
    assert last["done"] and last["outcome"] in pg.OUTCOMES and last["reason"].startswith("Done, 3 steps")
    view = pg.setup(task=task)["view"]
    for slot, v in last["views"].items():
        if v is None:
            continue
        if view["kind"] == "curve":
            assert len(v) == pg.CURVE_POINTS
        elif view["kind"] == "regions":
            assert len(v) == pg.REGION_GRID ** 2 and set(v) <= set(range(int(pg.setup(task=task)["sizes"][-1])))
        elif view["kind"] == "image":
            assert len(v) == view["size"] ** 2 and min(v) >= 0 and max(v) <= 255
        else:
            assert len(v) == 2


# ---------------------------------------------------------------- the race against references


def test_sgd_run_equals_plain_gradient_descent_by_hand():
    """Run 2 (SGD, full batch) against theta <- theta - lr * grad written out with nets."""
    values = {"task": "target", "target": "sin", "width": "5", "steps": "25",
              "r1_method": "off", "r2_method": "sgd", "r2_lr": "0.2", "r3_method": "off"}
    got = records(**values)["2"]
    X, y = datasets.regression_data("sin", samples=100)
    sizes = (1, 5, 1)
    theta = nets.init_params(sizes, np.random.default_rng((0, 200)), "he")
    mse = losses.get("mse")
    for step in range(26):
        value, grad = nets.backprop(theta, sizes, X, y, mse, activations.get("tanh"),
                                    activations.get("identity"))
        assert got[step]["loss"] == pytest.approx(value, rel=1e-12, abs=1e-15)
        assert got[step]["forward_passes"] == 100 * step == got[step]["backward_passes"]
        theta = theta - 0.2 * grad
    assert len(got) == 26


def test_adam_on_a_surface_equals_the_closed_form_update():
    """Adam on Rosenbrock against the textbook update written out (Kingma & Ba 2015)."""
    values = {"task": "surface", "surface": "rosenbrock", "steps": "30", "r1_method": "adam",
              "r1_lr": "0.05", "r2_method": "off", "r3_method": "off"}
    got = records(**values)["1"]
    surf = datasets.surface("rosenbrock")
    x = np.array(surf.start, dtype=float)
    m = v = np.zeros(2)
    for t in range(1, 31):
        assert got[t - 1]["loss"] == pytest.approx(float(surf.f(x[None])[0]), rel=1e-12)
        g = surf.grad(x)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        x = x - 0.05 * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    assert got[30]["theta"] == pytest.approx(list(x), rel=1e-10)


def test_search_runs_in_lockstep_equal_each_run_alone():
    """Four runs racing give each run's records exactly as train.run gives it alone."""
    values = {"task": "vertical", "samples": "30", "width": "6", "steps": "12",
              "r1_method": "local_search", "r2_method": "genetic", "r3_method": "openai_es",
              "r4_method": "metropolis", "r4_beta": "20", "r3_population": "10",
              "r1_population": "6", "r2_population": "8", "r2_parents": "2"}
    race = records(**values)
    s = pg.Setup(values)
    for slot in (1, 2, 3, 4):
        alone = list(train.run(s.task_obj, s.runs[slot]["optimizer"], s.theta0, steps=12,
                               rng=np.random.default_rng((0, slot)), record_every=1))
        for a, b in zip(alone, race[str(slot)]):
            assert a["loss"] == b["loss"] and a["forward_passes"] == b["forward_passes"]
            assert a["accuracy"] == b["accuracy"]
        assert len(alone) == len(race[str(slot)]) == 13


def test_compute_counts_a_backward_pass_as_two_forward_passes():
    frames = list(pg.race(task="neuron", steps="4", r1_method="sgd", r2_method="local_search",
                          r2_population="5", r3_method="off"))
    last = frames[-1]["runs"]
    assert last["1"]["compute"] == 4 * 3 * 3  # 4 steps x 3 examples x (1 forward + 2)
    assert last["2"]["compute"] == 3 + 4 * 5 * 3  # the start, then 4 rounds of 5 on 3


def test_batches_schedules_clipping_nesterov_are_the_librarys():
    values = {"task": "spiral", "samples": "20", "width": "4", "steps": "10",
              "r1_method": "sgd", "r1_lr": "0.3", "r1_momentum": "0.9", "r1_nesterov": "yes",
              "r1_weight_decay": "0.01", "r1_schedule": "step_decay", "r1_step_size": "3",
              "r1_gamma": "0.5", "r1_clip": "1", "r1_batch": "16",
              "r2_method": "off", "r3_method": "off"}
    got = records(**values)["1"]
    s = pg.Setup(values)
    opt = optim.clipped(optim.sgd(__import__("explainer_core").schedules.step_decay(0.3, 3, 0.5),
                                  momentum=0.9, nesterov=True, weight_decay=0.01), 1.0)
    alone = list(train.run(s.task_obj, opt, s.theta0, steps=10, batch_size=16,
                           rng=np.random.default_rng((0, 1))))
    assert [r["loss"] for r in alone] == [r["loss"] for r in got]
    epoch = [16, 16, 16, 12]  # 60 examples in batches of 16; the last batch of an epoch is smaller
    assert got[-1]["forward_passes"] == sum((epoch * 3)[:10]) == 152


def test_divergence_is_explained_and_the_others_go_on():
    frames = list(pg.race(task="surface", surface="rosenbrock", steps="40", r1_method="sgd",
                          r1_lr="1", r2_method="adam", r2_lr="0.01", r3_method="off"))
    notes = [f["notes"] for f in frames if "notes" in f]
    assert notes and "1" in notes[0] and "diverged" in notes[0]["1"]
    assert "learning rate of 1" in notes[0]["1"] and "other runs go on" in notes[0]["1"]
    assert frames[-1]["runs"]["2"]["step"] == 40 and frames[-1]["outcome"] == "diverged"
    assert "1 (SGD) diverged at step" in frames[-1]["reason"]


def test_start_and_until_cut_the_same_race():
    values = {"task": "target", "steps": "30"}
    full = [f for f in pg.race(**values)]
    part = list(pg.race(start=12, until=14, **values))
    shown = [f for f in part if not f.get("catch_up")]
    assert [f["step"] for f in shown] == [12, 13, 14]
    for f in shown:
        for slot, state in f["runs"].items():
            assert state["loss"] == full[f["step"]]["runs"][slot]["loss"]
    assert "views" in shown[0]


# ---------------------------------------------------------------- bad input names its field


@pytest.mark.parametrize("values, arg, words", [
    ({"r1_lr": "abc"}, "run 1 learning rate", "number"),
    ({"r1_lr": "0"}, "run 1 learning rate", "above 0"),
    ({"r2_lr": "1e9"}, "run 2 learning rate", "at most"),
    ({"steps": "2.5"}, "steps", "whole number"),
    ({"steps": "100000"}, "steps", "20,000"),
    ({"seed": "-1"}, "seed", "whole number"),
    ({"layers": "2", "width": "512"}, "units per layer", "memory budget"),
    ({"layers": "7"}, "hidden layers", "0 to 6"),
    ({"width": "NaN"}, "units per layer", "whole number"),
    ({"target": "custom", "expression": "import os"}, "y(x) =", ""),
    ({"target": "custom", "expression": "x" + "+x" * 40}, "y(x) =", "fits in a link"),
    ({"task": "vertical", "loss": "mae"}, None, None),  # classes switch to cross-entropy
    ({"loss": "softmax_cross_entropy"}, "loss", "allowed: mse, mae"),
    ({"r3_population": "1000", "layers": "2", "width": "64"}, "run 3 population", "budget"),
    ({"r3_method": "openai_es", "r3_population": "7"}, "run 3 population", "even"),
    ({"r3_method": "genetic", "r3_parents": "30"}, "run 3 parents", "at most the population"),
    ({"r1_batch": "500"}, "run 1 batch size", "at most"),
    ({"r1_method": "off", "r2_method": "off", "r3_method": "off"}, "run 1 method", "at least one"),
    ({"r1_schedule": "cosine", "r1_lr_min": "5"}, "run 1 final rate", "at most"),
    ({"r4_method": "metropolis", "r4_beta": "-1"}, "run 4 β", ""),
])
def test_bad_input_names_its_field(values, arg, words):
    if arg is None:
        assert pg.setup(**values)["loss"] == "softmax_cross_entropy"
        return
    error = error_of(pg.setup, **values)
    assert error.arg == arg, (error.arg, str(error))
    assert words in str(error)
    assert error_of(pg.race, **values).arg == arg


@pytest.mark.parametrize("text, words", [
    ("", "empty"),
    ("x, y\n1, 2\n3", "line 3"),
    ("1, 2\n2, abc", "line 2"),
    ("1, 2, 0\n2, 3, 1.5", "line 2: the class"),
    ("1, 2\n1, 2, 3", "line 2: 3 numbers where"),
    ("1, 2", "at least 2 points"),
    ("1, 2, 0\n3, 4, 0", "two classes"),
    ("1, 2\n3, 1e9", "line 2"),
])
def test_points_are_checked_with_line_numbers(text, words):
    error = error_of(pg.setup, task="points", points=text)
    assert error.arg == "your points" and words in str(error)


def test_points_make_a_curve_or_classes():
    curve = pg.setup(task="points", points="x,y\n0,0\n1,1\n2,4")
    assert curve["examples"] == 3 and curve["sizes"][-1] == 1
    classes = pg.setup(task="points", points="0,0,0\n1,1,1\n0,1,2\n1,0,2", loss="mae")
    assert classes["sizes"][-1] == 3 and classes["loss"] == "softmax_cross_entropy"


# ---------------------------------------------------------------- export and import


def test_export_csv_and_json_hold_the_races_records():
    values = {"task": "neuron", "steps": "8", "r1_lr": "0.3"}
    runs = jsonable(records(**values))
    out = pg.export(values, runs)
    rows = list(csv.reader(io.StringIO(out["csv"])))
    assert tuple(rows[0]) == pg.CSV_COLUMNS
    assert len(rows) - 1 == sum(len(r) for r in runs.values())
    first_adam = [r for r in rows[1:] if r[0] == "1"][-1]
    last = runs["1"][-1]
    assert float(first_adam[5]) == last["loss"]
    assert int(first_adam[3]) == last["forward_passes"] + 2 * last["backward_passes"]
    doc = json.loads(out["json"])
    assert doc["library"] == {"name": "explainer_core", "version": pg.__version__}
    assert doc["setup"]["values"] == {"task": "neuron", "steps": "8", "r1_lr": "0.3"}
    assert [r["run"] for r in doc["runs"]] == [1, 2, 3]
    assert doc["runs"][0]["records"] == runs["1"]


def test_import_replays_and_reproduces():
    values = {"task": "spiral", "samples": "15", "width": "5", "steps": "6"}
    exported = pg.export(values, jsonable(records(**values)))["json"]
    imported = pg.read_import(exported)
    assert imported["values"] == values and imported["same_version"]
    again = jsonable(records(**imported["values"]))
    verdict = pg.compare(imported["runs"], again)
    assert verdict["reproduces"] and "reproduces" in verdict["text"]
    other = jsonable(records(**{**values, "seed": "1"}))
    verdict = pg.compare(imported["runs"], other)
    assert not verdict["reproduces"] and "does not reproduce" in verdict["text"]


@pytest.mark.parametrize("text, words", [
    ("", "empty"),
    ("{not json", "not JSON"),
    ("[1, 2]", "not a playground export"),
    ('{"library": {"name": "numpy"}}', "not a playground export"),
    ('{"library": {"name": "explainer_core"}, "setup": {}}', "setup"),
    ('{"library": {"name": "explainer_core"}, "setup": {"values": {"steps": "x"}}, "runs": []}',
     "refused"),
    ('{"library": {"name": "explainer_core"}, "setup": {"values": {}}, "runs": [{"run": 9}]}',
     "does not match"),
    ('{"library": {"name": "explainer_core"}, "setup": {"values": {}}, '
     '"runs": [{"run": 1, "records": [{"step": 0}]}]}', "broken record"),
])
def test_a_wrong_file_is_refused_with_a_reason(text, words):
    error = error_of(pg.read_import, text=text)
    assert error.arg == "import" and words in str(error)


# ---------------------------------------------------------------- from a chapter demo

CHANGED = {  # demo: (its control, a changed value, the playground key, the value expected)
    "function": ("width", "5", "width", "5"),
    "landscape": ("lr", "0.25", "r1_lr", "0.25"),
    "random-search": ("data", "spiral", "task", "spiral"),
    "derivatives": ("f", "x^3", "expression", "x^3"),
    "evolution": ("population", "12", "r1_population", "12"),
    "gradient-descent": ("lr", "0.7", "r1_lr", "0.7"),
    "gradient-descent-backprop": ("lr", "0.3", "r1_lr", "0.3"),
    "gradient-descent-batches": ("batch_size", "8", "r1_batch", "8"),
    "momentum-adam": ("surface", "rosenbrock", "surface", "rosenbrock"),
    "images": ("children", "30", "r1_population", "30"),
    "dimensions": ("sigma", "0.2", "r1_sigma", "0.2"),
    "real-landscapes": ("seed", "4", "seed", "4"),
    "neuroevolution": ("sigma", "0.05", "r1_sigma", "0.05"),
    "evolution-wins": ("lr", "0.9", "r2_lr", "0.9"),
    "conclusion": ("task", "xor", "task", "step"),
}


def test_from_demo_covers_every_demo():
    assert set(CHANGED) == set(DEMOS) - {"playground"}


@pytest.mark.parametrize("demo", sorted(CHANGED))
def test_from_demo_defaults_and_a_changed_value(demo):
    plain = pg.from_demo(demo, {})
    pg.Setup(plain["values"])  # a setup the playground accepts
    assert plain["text"].startswith(f"Opened from the {demo.replace('-', ' ')} demo")
    name, value, key, expected = CHANGED[demo]
    changed = pg.from_demo(demo, {name: value})
    merged = {**pg.defaults(), **changed["values"]}
    assert merged[key] == expected
    pg.Setup(changed["values"])


def test_from_demo_refuses_an_unknown_demo_and_falls_back_on_a_bad_value():
    assert error_of(pg.from_demo, demo="nope").arg == "from"
    out = pg.from_demo("landscape", {"lr": "banana"})
    pg.Setup(out["values"])
    assert "left at its default" in out["text"]


def test_compare_allows_the_last_digits_of_another_numpy_but_no_more():
    runs = jsonable(records(task="neuron", steps="3"))
    nudged = json.loads(json.dumps(runs))
    nudged["1"][-1]["loss"] *= 1 + 1e-13
    verdict = pg.compare(runs, nudged)
    assert verdict["reproduces"] and not verdict["exact"] and "nine significant" in verdict["text"]
    nudged["1"][-1]["loss"] *= 1 + 1e-6
    assert not pg.compare(runs, nudged)["reproduces"]
    assert pg.compare(runs, runs)["exact"]


def test_nesterov_needs_momentum_and_is_plain_sgd_without():
    base = {"task": "neuron", "steps": "5", "r1_method": "off", "r3_method": "off"}
    losses = lambda runs: [r["loss"] for r in runs["2"]]  # noqa: E731
    assert losses(records(**base, r2_nesterov="yes")) == losses(records(**base))
    with_momentum = records(**base, r2_momentum="0.9")["2"]
    nesterov = records(**base, r2_momentum="0.9", r2_nesterov="yes")["2"]
    assert nesterov[-1]["loss"] != with_momentum[-1]["loss"]
