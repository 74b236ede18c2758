"""The landscape analyses behind the article's charts, as named tables of tidy records.

Each function runs one experiment with `landscape`, `train`, `search` and `optim` and returns
`{table name: [record, ...]}`, JSON-ready, with numbers rounded to 4 significant digits. The
build turns them into Altair charts (`build_scripts/charts/`); a demo in the browser can call the
same function in the worker and stream the same tables into the same chart.

Tables shared by the landscape pictures (one or more panels, each a heatmap with paths on it):

    panels  {panel, title, x_title, y_title}
    grid    {panel, x, y, loss}               a regular grid per panel
    paths   {panel, method, step, x, y, loss, compute}   compute = train.compute: forward passes + 2 x backward

Everything is seeded and deterministic (no wall-clock times in the tables), so a chart changes
only when its code or its inputs do.
"""

from __future__ import annotations

import functools
import math
from typing import Iterator

import numpy as np

from .. import datasets, landscape, nets, optim, search, train, validate

Array = np.ndarray

# Learning rates and mutation scales that show each optimizer's character on each surface within
# the step budget (tuned by hand, checked in tests/chapters/test_real_landscapes.py).
SURFACE_SETTINGS = {
    "rosenbrock": {"steps": 1000, "sgd": 1.5e-3, "momentum": 3e-4, "adam": 0.05, "sigma": 0.05},
    "himmelblau": {"steps": 300, "sgd": 0.01, "momentum": 0.002, "adam": 0.1, "sigma": 0.3},
    "beale": {"steps": 1000, "sgd": 0.01, "momentum": 0.001, "adam": 0.05, "sigma": 0.1},
    "rastrigin": {"steps": 300, "sgd": 0.002, "momentum": 0.0005, "adam": 0.1, "sigma": 0.3},
}
MAX_GRID = 121
MAX_RECORDS_PER_PATH = 150


def _r(value: float) -> float:
    """4 significant digits: plenty for a chart, and a third of the bytes of a full float."""
    return float(f"{float(value):.4g}")


def grid_records(grid: landscape.Grid, panel: str) -> list[dict]:
    """`{panel, x, y, loss}` for every cell of a `landscape.Grid`."""
    xx, yy = np.meshgrid(grid.x, grid.y)
    return [
        {"panel": panel, "x": _r(x), "y": _r(y), "loss": _r(v)}
        for x, y, v in zip(xx.ravel(), yy.ravel(), grid.loss.ravel())
    ]


def path_records(panel: str, method: str, steps, coords, losses, compute) -> list[dict]:
    """`{panel, method, step, x, y, loss, compute}` for the points of one path."""
    return [
        {"panel": panel, "method": method, "step": int(s), "x": _r(x), "y": _r(y),
         "loss": _r(v), "compute": int(c)}
        for s, (x, y), v, c in zip(steps, np.asarray(coords), losses, compute)
        if math.isfinite(v)
    ]


def _every(total: int) -> int:
    return max(1, math.ceil(total / MAX_RECORDS_PER_PATH))


def _n(n) -> int:
    return validate.integer_in_range("n", n, 5, MAX_GRID)


# ----------------------------------------------------------------------------- benchmark surfaces


def _surface_runs(name: str, steps: int, seed: int,
                  lr_scale: float = 1.0) -> list[tuple[str, Iterator[dict]]]:
    """(label, record generator) per method on a surface; `list()` each to run it to the end."""
    s = datasets.surface(name)
    cfg = SURFACE_SETTINGS[name]
    task = train.function_task(name, s.f, s.grad, 2)
    start = np.array(s.start, dtype=np.float64)
    every = _every(steps)
    runs = [
        (label, train.run(task, opt, start, steps=steps, record_every=every, theta_dims=2))
        for label, opt in (
            ("gradient descent", optim.sgd(cfg["sgd"] * lr_scale)),
            ("momentum 0.9", optim.sgd(cfg["momentum"] * lr_scale, momentum=0.9)),
            ("Adam", optim.adam(cfg["adam"] * lr_scale)),
        )
    ]
    # evolution gets the same compute: a gradient step costs one forward and one backward pass,
    # 1 + BACKWARD_COST forward-pass equivalents
    population = 4
    method = search.local_search(population=population, sigma=cfg["sigma"], mutate="all")
    generations = ((1 + train.BACKWARD_COST) * steps - 1) // population
    runs.append(("local search (evolution)", search.run(
        method, task, start, validate.rng_from_seed(seed), generations=generations,
        record_every=_every(generations), theta_dims=2)))
    return runs


def surface_paths(surface: str = "rosenbrock", steps: int | None = None, n: int = 41,
                  seed: int = 0) -> dict:
    """Gradient descent, momentum, Adam and local search on a benchmark surface.

    Tables `panels`, `grid` (n x n over the surface's usual window) and `paths` (see the module
    docstring); the evolution run gets the same compute (`train.compute`) as each
    gradient run. Settings per surface: `SURFACE_SETTINGS`.
    """
    validate.choice("surface", surface, SURFACE_SETTINGS)
    s = datasets.surface(surface)
    steps = SURFACE_SETTINGS[surface]["steps"] if steps is None else steps
    steps = validate.integer_in_range("steps", steps, 1, 100_000)
    grid = landscape.loss_grid(s.f, s.bounds[0], s.bounds[1], n=_n(n))
    paths = []
    for label, generator in _surface_runs(surface, steps, seed):
        records = list(generator)
        paths += path_records(
            "surface", label, [r["step"] for r in records], [r["theta"] for r in records],
            [r["loss"] for r in records],
            [train.compute(r["forward_passes"], r["backward_passes"]) for r in records])
    title = f"{surface.capitalize()} function: minimum {s.minimum:g} at " + ", ".join(
        f"({x:g}, {y:g})" for x, y in s.minima[:1])
    return {
        "panels": [{"panel": "surface", "title": title, "x_title": "parameter x (unitless)",
                    "y_title": "parameter y (unitless)"}],
        "grid": grid_records(grid, "surface"),
        "paths": paths,
    }


def saddle_paths(n: int = 41, lr: float = 0.1, steps: int = 60) -> dict:
    """Gradient descent on f = x^2 - y^2 from (1, y0) for three offsets y0, and Adam from the least.

    The y offset grows by (1 + 2 lr) per step, so the time spent near the saddle grows like
    log(1 / y0); Adam divides the small gradient by its own size and leaves at once.
    """
    n = _n(n)
    lr = validate.positive("lr", lr, 1.0)
    steps = validate.integer_in_range("steps", steps, 1, 10_000)
    task = train.function_task("saddle", landscape.saddle, landscape.saddle_grad, 2)
    grid = landscape.loss_grid(landscape.saddle, (-1.2, 1.2), (-1.2, 1.2), n=n)
    paths = []
    runs = [(f"gradient descent, y0 = {y0:g}", optim.sgd(lr), y0) for y0 in (0.1, 0.01, 0.001)]
    runs.append(("Adam, y0 = 0.001", optim.adam(lr), 0.001))
    for label, opt, y0 in runs:
        records = [r for r in train.run(task, opt, np.array([1.0, y0]), steps=steps, theta_dims=2)
                   if max(abs(r["theta"][0]), abs(r["theta"][1])) <= 1.2]  # keep the window
        paths += path_records(
            "saddle", label, [r["step"] for r in records], [r["theta"] for r in records],
            [r["loss"] for r in records],
            [train.compute(r["forward_passes"], r["backward_passes"]) for r in records])
    return {
        "panels": [{"panel": "saddle",
                    "title": "Saddle f(x, y) = x² − y²: Hessian eigenvalues 2 and −2",
                    "x_title": "parameter x (unitless)", "y_title": "parameter y (unitless)"}],
        "grid": grid_records(grid, "saddle"),
        "paths": paths,
    }


RACE_TASKS = (*SURFACE_SETTINGS, "sine")
RACE_METHODS = ("gradient descent", "momentum 0.9", "Adam", "local search (evolution)",
                "OpenAI-ES")  # the labels of `race_runs`, in the order charts show them


def race_runs(task: str = "sine", steps: int | None = None, seed: int = 0,
              lr_scale: float = 1.0) -> list[tuple[str, Iterator[dict]]]:
    """The optimizer race, not yet run: (label, generator of `train`/`search` records) per method.

    task: a benchmark surface (see `SURFACE_SETTINGS`) or "sine", a 1-16-16-1 tanh network
    (D = 321) fitting NNFS's sine data (64 points, full batch). Every method gets the compute of
    `steps` gradient steps, counted as in `train.compute` (a gradient on N examples is N forward
    and N backward passes, 3 N forward-pass equivalents; a population of P costs P N). `lr_scale` multiplies every
    learning rate (of the gradient methods and of OpenAI-ES's Adam), so a reader can push them
    into divergence. `optimizer_race` runs them to the end; the race demo interleaves them.
    """
    validate.choice("task", task, RACE_TASKS)
    if steps is None:
        steps = race_steps(task)
    steps = validate.integer_in_range("steps", steps, 1, 100_000)
    lr_scale = validate.positive("lr_scale", lr_scale, 1e3)
    if task in SURFACE_SETTINGS:
        return _surface_runs(task, steps, seed, lr_scale)
    return _sine_race(steps, seed, lr_scale)


def race_steps(task: str) -> int:
    """The race's default length on `task`, in gradient steps of compute."""
    return SURFACE_SETTINGS[task]["steps"] if task in SURFACE_SETTINGS else 500


def race_budget(task: str, steps: int) -> int:
    """The compute every method of the race gets: `steps` gradient steps on the whole batch."""
    validate.choice("task", task, RACE_TASKS)
    steps = validate.integer_in_range("steps", steps, 1, 100_000)
    examples = 1 if task in SURFACE_SETTINGS else len(datasets.sine_data(64)[0])
    return (1 + train.BACKWARD_COST) * steps * examples


def race_loss_label(task: str) -> str:
    """What the race's loss axis measures on `task`."""
    validate.choice("task", task, RACE_TASKS)
    if task in SURFACE_SETTINGS:
        return f"height of the {task.capitalize()} surface f(x, y)"
    return "training loss (mean squared error)"


def race_record(method: str, record: dict) -> dict:
    """One row of the `runs` table from a `train`/`search` record."""
    return {"method": method, "step": record["step"], "loss": _r(record["loss"]),
            "compute": train.compute(record["forward_passes"], record["backward_passes"]),
            "forward_passes": record["forward_passes"]}


def optimizer_race(task: str = "sine", steps: int | None = None, seed: int = 0,
                   lr_scale: float = 1.0) -> dict:
    """Loss against steps and against compute for gradient methods and evolution, same budget.

    Tables: `runs` {method, step, loss, compute, forward_passes} (see `race_runs`); `diverged`,
    the last finite row of each method whose loss stopped being finite (the run stops there);
    `task` [{loss_label}], what the loss axis measures.
    """
    runs, diverged = [], []
    for label, generator in race_runs(task, steps, seed, lr_scale):
        last = None
        for record in generator:
            if not math.isfinite(record["loss"]):
                if last is not None:
                    diverged.append(last)
                break
            last = race_record(label, record)
            runs.append(last)
    return {"runs": runs, "diverged": diverged, "task": [{"loss_label": race_loss_label(task)}]}


def _sine_race(steps: int, seed: int, lr_scale: float) -> list[tuple[str, Iterator[dict]]]:
    X, y = datasets.sine_data(64)
    sizes = (1, 16, 16, 1)
    task = train.network_task(sizes, X, y)
    theta = nets.init_params(sizes, validate.rng_from_seed(seed), "xavier")
    every = _every(steps)
    runs = [
        (label, train.run(task, opt, theta, steps=steps, record_every=every, theta_dims=0))
        for label, opt in (("gradient descent", optim.sgd(0.1 * lr_scale)),
                           ("momentum 0.9", optim.sgd(0.05 * lr_scale, momentum=0.9)),
                           ("Adam", optim.adam(0.01 * lr_scale)))
    ]
    budget = race_budget("sine", steps)
    for label, method in (
        ("local search (evolution)", search.local_search(population=8, sigma=0.03, mutate="all")),
        ("OpenAI-ES", search.openai_es(population=16, sigma=0.03,
                                       optimizer=optim.adam(0.03 * lr_scale))),
    ):
        generations = budget // (method.batch * X.shape[0])
        runs.append((label, search.run(
            method, task, theta, validate.rng_from_seed(seed), generations=generations,
            record_every=_every(generations), theta_dims=0, max_forward_passes=budget)))
    return runs


# ----------------------------------------------------------------------------- networks


def _train_path(sizes, X, y, theta, opt, steps: int, every: int) -> tuple[Array, list[dict]]:
    task = train.network_task(sizes, X, y)
    D = nets.param_count(sizes)
    records = list(train.run(task, opt, theta, steps=steps, record_every=every, theta_dims=D))
    return np.array([r["theta"] for r in records]), records


def training_slices(hidden: int = 12, steps: int = 400, n: int = 31, seed: int = 0) -> dict:
    """A 1-h-h-1 tanh network fitting a sine with Adam, seen in two planes through its end point.

    Panel "pca": the plane of the path's top two principal directions (Li et al. 2018, sec. 7),
    with the path's coordinates in it; the title gives the share of the path it holds.
    Panel "random": a random plane of filter-normalised directions, where the same path barely
    moves, since two random directions in D dimensions catch almost none of it.
    """
    hidden = validate.integer_in_range("hidden", hidden, 1, 64)
    steps = validate.integer_in_range("steps", steps, 2, 20_000)
    n = _n(n)
    rng = validate.rng_from_seed(seed)
    sizes = (1, hidden, hidden, 1)
    X, y = datasets.sine_data(64)
    start = nets.init_params(sizes, rng, "xavier")
    path, records = _train_path(sizes, X, y, start, optim.adam(0.01), steps, _every(steps))
    loss = landscape.network_loss(sizes, X, y)
    end = path[-1]
    d1, d2, explained = landscape.pca_directions(path)
    coords = landscape.project_path(path, end, d1, d2)
    low, high = coords.min(axis=0), coords.max(axis=0)
    margin = 0.15 * np.maximum(high - low, 1e-3)
    pca_grid = landscape.slice_2d(loss, end, d1, d2, (low[0] - margin[0], high[0] + margin[0]),
                                  (low[1] - margin[1], high[1] + margin[1]), n=n)
    r1 = landscape.filter_normalized_direction(end, sizes, rng)
    r2 = landscape.filter_normalized_direction(end, sizes, rng)
    random_grid = landscape.slice_2d(loss, end, r1, r2, (-1.0, 1.0), (-1.0, 1.0), n=n)
    random_coords = landscape.project_path(path, end, r1, r2)
    steps_ = [r["step"] for r in records]
    losses = [r["loss"] for r in records]
    compute = [train.compute(r["forward_passes"], r["backward_passes"]) for r in records]
    D = path.shape[1]
    return {
        "panels": [
            {"panel": "pca", "title": f"PCA plane of the path: {100 * explained[0]:.0f}% + "
             f"{100 * explained[1]:.0f}% of its variance (D = {D})",
             "x_title": "1st principal direction (parameter units)",
             "y_title": "2nd principal direction (parameter units)"},
            {"panel": "random", "title": "Random filter-normalised plane through the end point",
             "x_title": "random direction 1 (× each neuron's norm)",
             "y_title": "random direction 2 (× each neuron's norm)"},
        ],
        "grid": grid_records(pca_grid, "pca") + grid_records(random_grid, "random"),
        "paths": path_records("pca", "Adam", steps_, coords, losses, compute)
        + path_records("random", "Adam", steps_, random_coords, losses, compute),
        "variance": [{"direction": i + 1, "explained": _r(v)} for i, v in enumerate(explained)],
    }


def _two_solutions(sizes, X, y, steps: int, seeds=(1, 2)) -> list[Array]:
    task = train.network_task(sizes, X, y)
    out = []
    for seed in seeds:
        theta = nets.init_params(sizes, validate.rng_from_seed(seed), "xavier")
        *_, last = train.run(task, optim.adam(0.02), theta, steps=steps, record_every=steps,
                             theta_dims=theta.size)
        out.append(np.array(last["theta"]))
    return out


def mode_connectivity(hidden: int = 8, steps: int = 2000, bezier_steps: int = 800,
                      points: int = 41, n: int = 41, seed: int = 0) -> dict:
    """Two 1-h-1 tanh networks trained from different seeds, joined by a line and a Bezier curve.

    Tables: `curves` {path, t, loss}; `barriers` {path, barrier, t, loss} (the highest point
    above the endpoints' mix, Entezari et al. 2022); and `panels`, `grid`, `paths` for the plane
    through theta_a, theta_mid and theta_b, which holds both paths exactly (Garipov et al. 2018,
    fig. 1): x along b - a, y along the part of mid - a orthogonal to it.
    """
    hidden = validate.integer_in_range("hidden", hidden, 1, 64)
    steps = validate.integer_in_range("steps", steps, 1, 100_000)
    bezier_steps = validate.integer_in_range("bezier_steps", bezier_steps, 1, 100_000)
    points = validate.integer_in_range("points", points, 3, 401)
    sizes = (1, hidden, 1)
    X, y = datasets.sine_data(64)
    a, b = _two_solutions(sizes, X, y, steps)
    lg = landscape.network_loss_and_grad(sizes, X, y)
    loss = landscape.network_loss(sizes, X, y)
    fit = landscape.fit_bezier(lg, a, b, validate.rng_from_seed(seed), steps=bezier_steps,
                               learning_rate=0.02)
    ts = np.linspace(0.0, 1.0, points)
    curves, barriers, paths = [], [], []
    u = b - a
    length = float(np.linalg.norm(u))
    u /= length
    w = fit.theta_mid - a
    w -= (w @ u) * u
    w_norm = float(np.linalg.norm(w))
    if w_norm > 0:
        w = w / w_norm
    else:  # the curve is the straight line: any orthogonal direction shows it
        w = landscape.random_direction(a.size, validate.rng_from_seed(seed))
        w -= (w @ u) * u
        w /= np.linalg.norm(w)
    for label, mid in (("straight line", None), ("Bézier curve (trained)", fit.theta_mid)):
        values = landscape.interpolation_losses(loss, a, b, ts, theta_mid=mid)
        curves += [{"path": label, "t": _r(t), "loss": _r(v)} for t, v in zip(ts, values)]
        excess = values - ((1 - ts) * values[0] + ts * values[-1])
        k = int(np.argmax(excess))
        barriers.append({"path": label, "barrier": _r(excess[k]), "t": _r(ts[k]),
                         "loss": _r(values[k])})
        points_ = (landscape.linear_path(a, b, ts) if mid is None
                   else landscape.bezier_path(a, mid, b, ts))
        coords = landscape.project_path(points_, a, u, w)
        paths += path_records("plane", label, range(points), coords, values, [0] * points)
    all_coords = np.array([[p["x"], p["y"]] for p in paths])
    low, high = all_coords.min(axis=0), all_coords.max(axis=0)
    span = np.maximum(high - low, 0.2 * length)
    grid = landscape.slice_2d(loss, a, u, w, (low[0] - 0.2 * span[0], high[0] + 0.2 * span[0]),
                              (low[1] - 0.25 * span[1], high[1] + 0.25 * span[1]), n=_n(n))
    return {
        "curves": curves,
        "barriers": barriers,
        "panels": [{"panel": "plane", "title": "The plane through both solutions and the "
                    "curve's middle point", "x_title": "along θ_b − θ_a (parameter units)",
                    "y_title": "towards the trained middle point (parameter units)"}],
        "grid": grid_records(grid, "plane"),
        "paths": paths,
    }


def hessian_along_training(hidden: int = 3, steps: int = 300, lr: float = 0.1,
                           init_scale: float = 1e-3, records: int = 60, seed: int = 0) -> dict:
    """Hessian eigenvalues along gradient descent from near the saddle at theta = 0.

    A 1-h-1 tanh network on sin(2x), x in [-1, 1] (odd data, so theta = 0 is a critical point),
    started at N(0, init_scale^2) and trained with plain gradient descent. Tables:
    `loss` {step, loss}; `eigenvalues` {step, index, eigenvalue, which} with `which` "smallest",
    "largest" or "others".
    """
    hidden = validate.integer_in_range("hidden", hidden, 1, 30)
    steps = validate.integer_in_range("steps", steps, 1, 100_000)
    lr = validate.positive("lr", lr, 10.0)
    init_scale = validate.positive("init_scale", init_scale, 10.0)
    records = validate.integer_in_range("records", records, 2, 500)
    sizes = (1, hidden, 1)
    X = np.linspace(-1.0, 1.0, 21)[:, None]
    y = np.sin(2.0 * X)
    theta = init_scale * validate.rng_from_seed(seed).standard_normal(nets.param_count(sizes))
    path, recs = _train_path(sizes, X, y, theta, optim.sgd(lr), steps,
                             max(1, steps // (records - 1)))
    lg = landscape.network_loss_and_grad(sizes, X, y)
    spectra = landscape.hessian_spectra(lambda t: lg(t)[1], path)
    D = spectra.shape[1]
    eig = []
    for r, row in zip(recs, spectra):
        for i, v in enumerate(row):
            which = "smallest" if i == 0 else "largest" if i == D - 1 else "others"
            eig.append({"step": r["step"], "index": i, "eigenvalue": _r(v), "which": which})
    return {
        "loss": [{"step": r["step"], "loss": _r(r["loss"])} for r in recs],
        "eigenvalues": eig,
    }


def flat_and_sharp(learning_rates: tuple[float, ...] = (0.05, 0.3), steps: int = 5000,
                   directions: int = 5, points: int = 41, radius: float = 0.2,
                   seed: int = 3) -> dict:
    """Two minima of one network, reached by gradient descent with a small and a large step.

    Gradient descent can only settle where the sharpness lambda_max <= 2 / lr (linear
    stability; Cohen et al. 2021, "edge of stability"), so the larger step ends in a flatter
    minimum. Tables: `minima` {minimum, lr, loss, sharpness, limit}; `profiles` {minimum,
    direction, alpha, loss}: the loss along `directions` filter-normalised random directions
    through each minimum, alpha in [-radius, radius] (Li et al. 2018, sec. 5).
    """
    steps = validate.integer_in_range("steps", steps, 1, 100_000)
    directions = validate.integer_in_range("directions", directions, 1, 20)
    points = validate.integer_in_range("points", points, 3, 401)
    radius = validate.positive("radius", radius, 10.0)
    lrs = [validate.positive("learning rate", v, 10.0) for v in learning_rates]
    sizes = (1, 6, 1)
    X = np.linspace(-2.0, 2.0, 16)[:, None]
    y = np.sin(2.0 * X)
    start = nets.init_params(sizes, validate.rng_from_seed(seed), "xavier")
    task = train.network_task(sizes, X, y)
    lg = landscape.network_loss_and_grad(sizes, X, y)
    loss = landscape.network_loss(sizes, X, y)
    alphas = np.linspace(-radius, radius, points)
    minima, profiles = [], []
    for lr in lrs:
        *_, last = train.run(task, optim.sgd(lr), start, steps=steps, record_every=steps,
                             theta_dims=task.dimension)
        theta = np.array(last["theta"])
        sharpness = float(np.linalg.eigvalsh(landscape.hessian(lambda t: lg(t)[1], theta))[-1])
        label = f"lr {lr:g}: λ_max = {sharpness:.3g}"
        minima.append({"minimum": label, "lr": lr, "loss": _r(lg(theta)[0]),
                       "sharpness": _r(sharpness), "limit": _r(2.0 / lr)})
        dir_rng = validate.rng_from_seed(seed + 1)  # the same random draws at both minima
        dirs = np.stack([landscape.filter_normalized_direction(theta, sizes, dir_rng)
                         for _ in range(directions)])
        values = landscape.direction_profiles(loss, theta, dirs, alphas)
        for k in range(directions):
            profiles += [{"minimum": label, "direction": k + 1, "alpha": _r(a), "loss": _r(v)}
                         for a, v in zip(alphas, values[k])]
    return {"minima": minima, "profiles": profiles}


# ----------------------------------------------------------------------------- numbers for the text
# (each is a [[value: real_landscapes.NAME ...]] of docs/real-landscapes.md, and the claim tests in
# tests/chapters/test_real_landscapes_claims.py call the same functions)

RACE_KEYS = {"gd": "gradient descent", "momentum": "momentum 0.9", "adam": "Adam",
             "local": "local search (evolution)", "es": "OpenAI-ES"}


@functools.lru_cache(maxsize=8)
def _race(task: str, lr_scale: float, seed: int, steps: int | None = None) -> dict:
    return optimizer_race(task, steps, seed, lr_scale)


def _method(method: str) -> str:
    validate.choice("method", method, RACE_KEYS)
    return RACE_KEYS[method]


def race_final_loss(method: str = "adam", task: str = "sine", lr_scale: float = 1.0, seed: int = 0) -> float:
    """The last finite loss of `method` (a key of RACE_KEYS) in the race at its default budget."""
    seed = validate.seed(seed)
    label = _method(method)
    rows = [r for r in _race(task, float(lr_scale), seed)["runs"] if r["method"] == label]
    if not rows:
        raise ValueError(f"{label} did not run on {task}")
    return rows[-1]["loss"]


def race_loss(method: str = "adam", task: str = "rosenbrock", lr_scale: float = 30.0, steps: int = 5000,
              stat: str = "min", seed: int = 0) -> float:
    """A figure of `method`'s recorded losses in a race of `steps`: the lowest (`min`), the
    highest after the lowest (`rebound`), or the last (`final`)."""
    seed = validate.seed(seed)
    validate.choice("stat", stat, ("min", "rebound", "final"))
    label = _method(method)
    losses = [r["loss"] for r in _race(task, float(lr_scale), seed, int(steps))["runs"]
              if r["method"] == label]
    if stat == "final":
        return losses[-1]
    low = int(np.argmin(losses))
    if stat == "min":
        return losses[low]
    if low == len(losses) - 1:
        raise ValueError(f"{label}'s loss is lowest at the end: it does not rebound")
    return max(losses[low + 1:])


def race_diverged_step(method: str = "gd", task: str = "rosenbrock", lr_scale: float = 30.0,
                       seed: int = 0) -> int:
    """The step at which `method`'s loss stopped being finite (the driver stops a run there and
    records that step, whatever the recording interval); ValueError if it never did."""
    seed = validate.seed(seed)
    label = _method(method)
    for name, records in race_runs(task, None, seed, float(lr_scale)):
        if name == label:
            for record in records:
                if not math.isfinite(record["loss"]):
                    return record["step"]
    raise ValueError(f"{label} did not diverge on {task} at learning-rate scale {lr_scale}")


def race_diverged(task: str = "rosenbrock", lr_scale: float = 30.0, seed: int = 0) -> list[str]:
    """The methods (labels) whose loss stopped being finite, in the order of RACE_METHODS."""
    seed = validate.seed(seed)
    gone = {row["method"] for row in _race(task, float(lr_scale), seed)["diverged"]}
    return [label for label in RACE_METHODS if label in gone]


def surface_final_loss(method: str, surface: str = "rosenbrock") -> float:
    """The last loss of `method` on the surface chart (`surface_paths`, its default settings)."""
    label = _method(method)
    rows = [r for r in _surface_paths(surface)["paths"] if r["method"] == label]
    return rows[-1]["loss"]


@functools.lru_cache(maxsize=4)
def _surface_paths(surface: str) -> dict:
    return surface_paths(surface)


@functools.lru_cache(maxsize=2)
def _connectivity() -> dict:
    return mode_connectivity()


def connectivity_barrier(path: str = "bezier") -> float:
    """The barrier of the straight line (`path=line`) or of the trained Bézier curve."""
    validate.choice("path", path, ("line", "bezier"))
    name = "straight line" if path == "line" else "Bézier curve (trained)"
    return next(b["barrier"] for b in _connectivity()["barriers"] if b["path"] == name)


def connectivity_end_loss(end: str = "a") -> float:
    """The training loss of the first (`a`) or the second (`b`) trained network."""
    validate.choice("end", end, ("a", "b"))
    t = 0.0 if end == "a" else 1.0
    return next(r["loss"] for r in _connectivity()["curves"] if r["t"] == t)


@functools.lru_cache(maxsize=2)
def _flat_sharp() -> dict:
    return flat_and_sharp()


def flat_sharp_minimum(lr: float, what: str = "loss") -> float:
    """The loss, top Hessian eigenvalue (`sharpness`) or the limit 2 / lr of the minimum reached
    with learning rate `lr` in `flat_and_sharp`."""
    validate.choice("what", what, ("loss", "sharpness", "limit"))
    for minimum in _flat_sharp()["minima"]:
        if minimum["lr"] == float(lr):
            return minimum[what]
    raise ValueError(f"no minimum was reached with learning rate {lr}")


def flat_sharp_loss_ratio() -> float:
    """How many times higher the sharp minimum's training loss is than the flat one's."""
    minima = sorted(_flat_sharp()["minima"], key=lambda m: m["sharpness"])
    return minima[-1]["loss"] / minima[0]["loss"]


def rescaled_output_change(activation: str = "relu", factor: float = 3.0, seed: int = 0) -> float:
    """The largest change of a 1-8-1 network's outputs when every hidden neuron's incoming weights
    and bias are multiplied by `factor` and its outgoing weights divided by it (x in [-2, 2])."""
    seed = validate.seed(seed)
    sizes = (1, 8, 1)
    theta = nets.init_params(sizes, validate.rng_from_seed(seed), "xavier")
    X = np.linspace(-2, 2, 41)[:, None]
    before = nets.forward(theta, sizes, X, activation)
    scaled = theta.copy()
    (W1, b1), (W2, _) = nets.unravel(scaled, sizes)
    W1 *= factor
    b1 *= factor
    W2 /= factor
    return float(np.max(np.abs(nets.forward(scaled, sizes, X, activation) - before)))
