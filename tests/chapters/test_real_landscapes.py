"""The experiments behind the landscape charts: tables well formed, numbers right."""

import json
import math

import numpy as np
import pytest

from explainer_core import datasets, landscape
from explainer_core.chapters import real_landscapes as figures


def assert_json_ready(tables):
    text = json.dumps(tables, allow_nan=False)
    assert json.loads(text) == tables
    for name, rows in tables.items():
        # only the race's table of diverged runs may be empty (nothing diverged)
        assert isinstance(rows, list) and (rows or name == "diverged"), name
        assert all(isinstance(row, dict) for row in rows)


def rounding_slack(surface, p, loss):
    """How far f(p) can be from a loss stored with 4 significant digits, p too: first- and
    second-order Taylor bounds over the rounding box |dp_i| <= 5e-4 |p_i|."""
    dp = 5e-4 * np.abs(p)
    curvature = np.max(np.abs(np.linalg.eigvalsh(landscape.hessian(surface.grad, p))))
    return np.abs(surface.grad(p)) @ dp + curvature * (dp @ dp) + 5e-4 * abs(loss) + 1e-12


def by_method(paths):
    out = {}
    for row in paths:
        out.setdefault(row["method"], []).append(row)
    return out


@pytest.mark.parametrize("surface", ["rosenbrock", "himmelblau"])
def test_surface_paths_start_together_and_spend_the_same_compute(surface):
    data = figures.surface_paths(surface, steps=60, n=9)
    assert_json_ready(data)
    s = datasets.surface(surface)
    assert len(data["grid"]) == 81
    for row in data["grid"]:
        p = np.array([row["x"], row["y"]])
        assert abs(row["loss"] - float(s.f(p))) <= rounding_slack(s, p, row["loss"])
    runs = by_method(data["paths"])
    assert set(runs) == {"gradient descent", "momentum 0.9", "Adam", "local search (evolution)"}
    for rows in runs.values():
        assert (rows[0]["x"], rows[0]["y"]) == pytest.approx(s.start)
        assert rows[0]["step"] == 0
        assert rows[-1]["compute"] <= 3 * 60  # forward + 2 x backward (train.compute)
        assert rows[-1]["loss"] < rows[0]["loss"]
        for row in rows:  # each recorded loss is the surface at the recorded point
            p = np.array([row["x"], row["y"]])
            assert abs(row["loss"] - float(s.f(p))) <= rounding_slack(s, p, row["loss"])
    for name in ("gradient descent", "momentum 0.9", "Adam"):
        assert runs[name][-1]["compute"] == 3 * 60


def test_surface_paths_reject_unknown_surfaces():
    with pytest.raises(ValueError, match="surface"):
        figures.surface_paths("everest")


def test_saddle_paths_follow_the_hand_derived_escape():
    data = figures.saddle_paths(n=7, lr=0.1, steps=30)
    assert_json_ready(data)
    runs = by_method(data["paths"])
    for y0 in (0.1, 0.01, 0.001):
        rows = runs[f"gradient descent, y0 = {y0:g}"]
        for row in rows:  # x_k = 0.8^k, y_k = y0 1.2^k while inside the window
            assert row["x"] == pytest.approx(0.8 ** row["step"], rel=1e-3, abs=1e-12)
            assert row["y"] == pytest.approx(y0 * 1.2 ** row["step"], rel=1e-3)
    # the smaller the offset, the more steps stay inside the window near the saddle
    lengths = [len(runs[f"gradient descent, y0 = {y0:g}"]) for y0 in (0.1, 0.01, 0.001)]
    assert lengths[0] < lengths[1] < lengths[2]
    assert len(runs["Adam, y0 = 0.001"]) < lengths[2]


def test_training_slices_centre_on_the_end_of_the_path():
    data = figures.training_slices(hidden=4, steps=60, n=9)
    assert_json_ready(data)
    assert [p["panel"] for p in data["panels"]] == ["pca", "random"]
    explained = [v["explained"] for v in data["variance"]]
    assert 0 < sum(explained) <= 1.0 + 1e-3 and explained[0] >= explained[1]
    for panel in ("pca", "random"):
        rows = [r for r in data["paths"] if r["panel"] == panel]
        assert rows[0]["step"] == 0
        assert (rows[-1]["x"], rows[-1]["y"]) == pytest.approx((0.0, 0.0), abs=1e-9)
        cells = [c for c in data["grid"] if c["panel"] == panel]
        assert len(cells) == 81
    # the random plane's grid is symmetric about the end point, so its centre is the end loss
    centre = [c for c in data["grid"] if c["panel"] == "random" and c["x"] == 0 and c["y"] == 0]
    assert centre[0]["loss"] == pytest.approx(rows[-1]["loss"], rel=2e-3)
    # two random directions catch far less of the path than the top two principal ones
    pca = [r for r in data["paths"] if r["panel"] == "pca"]
    spread = lambda rs: max(math.hypot(r["x"], r["y"]) for r in rs)  # noqa: E731
    assert spread(rows) < spread(pca)


def test_mode_connectivity_paths_share_endpoints_and_the_curve_has_the_lower_barrier():
    data = figures.mode_connectivity(hidden=4, steps=400, bezier_steps=200, points=11, n=9)
    assert_json_ready(data)
    curves = by_method([dict(r, method=r["path"]) for r in data["curves"]])
    straight, curved = curves["straight line"], curves["Bézier curve (trained)"]
    assert straight[0]["loss"] == curved[0]["loss"]
    assert straight[-1]["loss"] == pytest.approx(curved[-1]["loss"], rel=1e-3)
    barrier = {b["path"]: b["barrier"] for b in data["barriers"]}
    assert barrier["Bézier curve (trained)"] < barrier["straight line"]
    for b in data["barriers"]:  # recomputed from the curve itself
        rows = curves[b["path"]]
        t = np.array([r["t"] for r in rows])
        L = np.array([r["loss"] for r in rows])
        assert b["barrier"] == pytest.approx(landscape.barrier_height(t, L), rel=2e-3, abs=1e-4)
    line = [r for r in data["paths"] if r["method"] == "straight line"]
    assert all(r["y"] == pytest.approx(0.0, abs=1e-9) for r in line)
    assert (line[0]["x"], line[0]["y"]) == (0.0, 0.0)
    bezier = [r for r in data["paths"] if r["method"] != "straight line"]
    assert (bezier[-1]["x"], bezier[-1]["y"]) == pytest.approx((line[-1]["x"], 0.0), abs=1e-3)


def test_hessian_along_training_starts_at_the_saddle():
    data = figures.hessian_along_training(hidden=2, steps=40, records=5)
    assert_json_ready(data)
    D = 3 * 2 + 1
    steps = sorted({r["step"] for r in data["eigenvalues"]})
    assert steps == [r["step"] for r in data["loss"]]
    assert len(data["eigenvalues"]) == D * len(steps)
    first = sorted(r["eigenvalue"] for r in data["eigenvalues"] if r["step"] == 0)
    # theta ~ 0: each hidden unit j couples only w1_j and w2_j, through d2L/dw1_j dw2_j =
    # -2 mean(x y) = -2c, giving eigenvalues -2c and 2c per unit; 2 for the output bias; zeros
    # for the hidden biases (derived in tests/lib/test_landscape_networks.py)
    x = np.linspace(-1.0, 1.0, 21)
    c = abs(np.mean(x * np.sin(2 * x)))
    assert first[:2] == pytest.approx([-2 * c, -2 * c], rel=1e-2)
    assert first[-1] == pytest.approx(2.0, rel=1e-2)
    smallest = [r for r in data["eigenvalues"] if r["which"] == "smallest"]
    assert all(r["index"] == 0 for r in smallest)


def test_flat_and_sharp_minima_respect_the_stability_limit():
    data = figures.flat_and_sharp(learning_rates=(0.05, 0.3), steps=5000, directions=2, points=5)
    assert_json_ready(data)
    small, large = data["minima"]
    assert large["sharpness"] <= large["limit"] * 1.01
    assert small["sharpness"] > 2 * large["sharpness"]
    for minimum in (small, large):
        rows = [r for r in data["profiles"] if r["minimum"] == minimum["minimum"]]
        assert len(rows) == 2 * 5
        at_zero = [r["loss"] for r in rows if r["alpha"] == 0]
        assert at_zero == pytest.approx([minimum["loss"]] * 2, rel=2e-3)
        assert all(r["loss"] >= minimum["loss"] * (1 - 2e-3) for r in rows)


@pytest.mark.parametrize("task", ["sine", "beale"])
def test_optimizer_race_gives_every_method_the_same_budget(task):
    steps = 40
    data = figures.optimizer_race(task, steps=steps)
    assert_json_ready(data)
    runs = by_method(data["runs"])
    budget = 3 * steps * (64 if task == "sine" else 1)  # a backward pass counts 2 (train.compute)
    starts = {rows[0]["loss"] for rows in runs.values()}
    assert len(starts) == 1  # one starting point for all
    for name, rows in runs.items():
        assert rows[-1]["compute"] <= budget, name
        assert rows[-1]["compute"] >= 0.8 * budget, name
        steps_seen = [r["step"] for r in rows]
        assert steps_seen == sorted(steps_seen)
    if task == "sine":
        assert {"OpenAI-ES", "local search (evolution)", "Adam"} <= set(runs)
        for name in ("OpenAI-ES", "local search (evolution)"):
            assert all(r["compute"] == r["forward_passes"] for r in runs[name])
