"""Where evolution still wins: the experiments of docs/evolution-wins.md.

1. A binary-step network, whose backpropagated gradient is exactly 0 (below); a count as the
   objective and integer weights (`accuracy_gradient`, `integer_search`).
2. Divergence: novelty search against objective search on a deceptive 2-D loss
   (`divergent_search`, Lehman & Stanley 2011).
3. Directed and undirected search: many starts of gradient descent and local search on one small
   network, their distances after aligning hidden units, and straight-line barriers
   (`many_starts`, using `connectivity`).

With f(z) = 1 if z >= 0 else 0 in every layer, f'(z) = 0 wherever it exists, so backpropagation
multiplies every error by zero: dL/dtheta = 0 for every weight and gradient descent does not
move, at any learning rate. The loss is still a perfectly good function of theta (piecewise
constant: here the fraction of points misclassified, since outputs and targets are 0 or 1), and
a search that only compares losses (`search.local_search`) lowers it.

The task: points uniform in [-1, 1]^2, label 1 when x1 * x2 > 0 (the XOR of the signs), which no
single step unit solves but a hidden layer of step units does.
"""

from __future__ import annotations

import itertools

import numpy as np

from .. import connectivity, nets, optim, search, train, validate

Array = np.ndarray


def xor_task(points: int = 200, hidden: int = 8, rng: np.random.Generator | None = None):
    """A 2-hidden-1 binary-step network on XOR-of-signs data, as a `train.Task` with MSE loss.

    Returns (task, layer_sizes). X ~ U([-1, 1]^2) (points, 2), y = [x1 x2 > 0] (points, 1).
    """
    points = validate.integer_in_range("points", points, 4, 100_000)
    hidden = validate.integer_in_range("hidden", hidden, 1, 10_000)
    rng = validate.generator(rng)
    X = rng.uniform(-1.0, 1.0, size=(points, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(np.float64)[:, None]
    sizes = (2, hidden, 1)
    task = train.network_task(sizes, X, y, loss="mse", activation="binary_step",
                              output_activation="binary_step")
    return task, sizes


def gradient_vs_evolution(
    points: int = 200,
    hidden: int = 8,
    gd_steps: int = 100,
    lr: float = 0.5,
    population: int = 20,
    sigma: float = 0.3,
    generations: int = 300,
    seed: int = 0,
    record_every: int = 10,
) -> list[dict]:
    """Race gradient descent and local search on the binary-step network: tidy records.

    Both start from the same N(0, 1) weights. Records are `train.make_record` dicts with
    `method` "sgd" or "local_search" and, on every record, `grad_norm`, the norm of the
    backpropagated gradient at the recorded parameters (0 for this network).
    """
    rng = validate.rng_from_seed(seed)
    task, sizes = xor_task(points, hidden, rng)
    theta0 = nets.init_params(sizes, rng, scheme="normal")
    dims = task.dimension
    records = list(train.run(task, optim.sgd(lr), theta0, steps=gd_steps,
                             record_every=record_every, theta_dims=dims))
    records += list(search.run(search.local_search(population, sigma, mutate="all"), task,
                               theta0, rng, generations=generations, record_every=record_every,
                               theta_dims=dims))
    for record in records:
        grad = task.loss_and_grad(np.asarray(record["theta"]), None)[1]
        record["grad_norm"] = float(np.linalg.norm(grad))
    return records


# ---------------------------------------------------------------- the race, as numbers for the page

RACE = {"points": 200, "hidden": 8, "gd_steps": 100, "lr": 0.5, "population": 20, "sigma": 0.3,
        "generations": 300}


_CACHE: dict = {}  # the page's runs, computed once per process (a build asks for many values)


def _once(key, compute):
    if key not in _CACHE:
        _CACHE[key] = compute()
    return _CACHE[key]


def race_summary(seed: int = 0) -> dict:
    """The page's race (RACE settings): start and end error of each method, gradient norms."""
    seed = validate.seed(seed)
    return dict(_once(("race", seed), lambda: _race_summary(seed)))


def _race_summary(seed: int) -> dict:
    records = gradient_vs_evolution(**RACE, seed=seed, record_every=RACE["generations"])
    gd = [r for r in records if r["method"] == "sgd"]
    evo = [r for r in records if r["method"] == "local_search"]
    moved = float(np.linalg.norm(np.asarray(gd[-1]["theta"]) - np.asarray(gd[0]["theta"])))
    return {"start_error": gd[0]["loss"], "gd_error": gd[-1]["loss"], "gd_moved": moved,
            "gd_grad_norm": max(r["grad_norm"] for r in gd), "evo_error": evo[-1]["loss"],
            "evo_grad_norm": evo[-1]["grad_norm"], "gd_steps": gd[-1]["step"],
            "generations": evo[-1]["step"]}


def race_value(name: str = "start_error", seed: int = 0) -> float:
    """One number of `race_summary(seed)` (for the page's value directive)."""
    seed = validate.seed(seed)
    return race_summary(seed)[validate.choice("name", name, RACE_NAMES)]


RACE_NAMES = ("start_error", "gd_error", "gd_moved", "gd_grad_norm", "evo_error",
              "evo_grad_norm", "gd_steps", "generations")


# ---------------------------------------------------------------- a count, integer weights

def accuracy_gradient(seed: int = 0, points: int = 200, hidden: int = 8, h: float = 1e-6) -> Array:
    """Central differences of the *accuracy* of a smooth tanh network (sigmoid output) on the
    XOR-of-signs data, at random N(0, 1) weights: (D,). Accuracy counts points, so it is
    piecewise constant in theta and these differences are 0 unless a point sits within h of the
    decision boundary."""
    rng = validate.rng_from_seed(seed)
    points = validate.integer_in_range("points", points, 4, 100_000)
    hidden = validate.integer_in_range("hidden", hidden, 1, 1000)
    h = validate.positive("h", h)
    sizes = (2, hidden, 1)
    X = rng.uniform(-1.0, 1.0, size=(points, 2))
    y = (X[:, 0] * X[:, 1] > 0)
    theta = rng.standard_normal(nets.param_count(sizes))
    eye = np.eye(theta.size)

    def accuracy(thetas):
        out = nets.forward_population(thetas, sizes, X, "tanh", "sigmoid")[..., 0]
        return np.mean((out >= 0.5) == y, axis=-1)

    return (accuracy(theta + h * eye) - accuracy(theta - h * eye)) / (2 * h)


def integer_errors(thetas: Array, X: Array, y: Array, sizes) -> Array:
    """Misclassified points (a count) of binary-step networks `thetas` (P, D): (P,) ints."""
    out = nets.forward_population(np.asarray(thetas, dtype=np.float64), sizes, X, "binary_step",
                                  "binary_step")[..., 0]
    return np.sum(out != y[None, :], axis=-1).astype(int)


INTEGER = {"points": 200, "hidden": 8, "bound": 3, "population": 20, "generations": 1000}


def integer_search(seed: int = 0, points: int = INTEGER["points"], hidden: int = INTEGER["hidden"],
                   bound: int = INTEGER["bound"], population: int = INTEGER["population"],
                   generations: int = INTEGER["generations"]) -> list[dict]:
    """Local search on integer weights in {-bound, ..., bound}, minimising a count of errors.

    Each generation makes `population` children of the parent, each with one random weight moved
    by +1 or -1 (kept inside the bounds); the child with the fewest errors replaces the parent if
    it has no more errors than it (ties move: drift across the plateau). Records
    {generation, errors, theta}; the start is uniform on the integers of the bounds.
    """
    points = validate.integer_in_range("points", points, 4, 100_000)
    hidden = validate.integer_in_range("hidden", hidden, 1, 1000)
    bound = validate.integer_in_range("bound", bound, 1, 100)
    population = validate.population(population)
    generations = validate.integer_in_range("generations", generations, 0, 1_000_000)
    rng = validate.rng_from_seed(seed)
    X = rng.uniform(-1.0, 1.0, size=(points, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(np.float64)
    sizes = (2, hidden, 1)
    D = nets.param_count(sizes)
    theta = rng.integers(-bound, bound + 1, size=D)
    errors = int(integer_errors(theta[None, :], X, y, sizes)[0])
    records = [{"generation": 0, "errors": errors, "theta": theta.tolist()}]
    for g in range(1, generations + 1):
        children = np.repeat(theta[None, :], population, axis=0)
        which = rng.integers(0, D, size=population)
        step = rng.choice(np.array([-1, 1]), size=population)
        children[np.arange(population), which] = np.clip(
            children[np.arange(population), which] + step, -bound, bound)
        counts = integer_errors(children, X, y, sizes)
        best = int(np.argmin(counts))
        if counts[best] <= errors:
            theta, errors = children[best], int(counts[best])
        records.append({"generation": g, "errors": errors, "theta": theta.tolist()})
    return records


def integer_value(name: str = "start", seed: int = 0) -> int:
    """'start' or 'end' errors, or 'points', of `integer_search(seed)` with the page's settings."""
    seed = validate.seed(seed)
    name = validate.choice("name", name, ("start", "end", "points", "weights"))
    if name == "points":
        return INTEGER["points"]
    if name == "weights":
        return nets.param_count((2, INTEGER["hidden"], 1))
    seed = validate.seed(seed)
    records = _once(("integer", seed), lambda: integer_search(seed))
    return records[0 if name == "start" else -1]["errors"]


# ---------------------------------------------------------------- divergence: novelty search

TRAP = np.array([1.0, 0.0])  # a local optimum next to the start
GOAL = np.array([3.5, 3.5])  # the global optimum, behind a flat plain
BOX = 5.0  # the search space is the square [-BOX, BOX]^2
SOLVED = 0.5  # a run has found the goal when a point lands within this distance of it


def deceptive_loss(points) -> Array:
    """L(x) = 1 - 0.5 exp(-|x - trap|^2) - exp(-|x - goal|^2 / 0.5) for points (..., 2).

    From the start (0, 0) the slope leads to the trap (L about 0.5); the goal (L about 0) lies
    behind a plain where L is 1 to many digits, so the loss gives no hint of it."""
    x = np.asarray(points, dtype=np.float64)
    return (1.0 - 0.5 * np.exp(-np.sum((x - TRAP) ** 2, axis=-1))
            - np.exp(-np.sum((x - GOAL) ** 2, axis=-1) / 0.5))


NOVELTY = {"generations": 150, "parents": 10, "children": 20, "sigma": 0.3, "k": 10}


def _novelty(points: Array, reference: Array, k: int) -> Array:
    """Mean distance of each point (P, 2) to its k nearest neighbours in `reference` (R, 2)
    (Lehman & Stanley 2011), itself excluded."""
    d = np.sqrt(np.sum((points[:, None, :] - reference[None, :, :]) ** 2, axis=-1))
    d = np.sort(d, axis=1)[:, 1:k + 1]
    return d.mean(axis=1)


def divergent_search(method: str = "novelty", seed: int = 0,
                     generations: int = NOVELTY["generations"], parents: int = NOVELTY["parents"],
                     children: int = NOVELTY["children"], sigma: float = NOVELTY["sigma"],
                     k: int = NOVELTY["k"]) -> dict:
    """Objective search or novelty search in the deceptive square, from (0, 0).

    Both keep `parents` points; each generation every parent has children/parents mutated
    children (N(0, sigma^2) steps, clipped to the square). Objective search keeps the
    `parents` lowest-loss points of parents and children; novelty search keeps the `parents`
    most novel (mean distance to their k nearest neighbours among the archive, the parents and the
    children) and adds the most novel child to the archive. Neither is told where the goal is;
    the loss is only recorded. Returns {points: every evaluated point (N, 2), generation of each
    (N,), best_loss per generation, solved_at (first generation with a point within SOLVED of
    the goal, or None)}.
    """
    method = validate.choice("method", method, ("objective", "novelty"))
    rng = validate.rng_from_seed(seed)
    generations = validate.integer_in_range("generations", generations, 1, 10_000)
    parents = validate.integer_in_range("parents", parents, 1, 1000)
    children = validate.integer_in_range("children", children, parents, 100_000)
    sigma = validate.positive("sigma", sigma, 10.0)
    k = validate.integer_in_range("k", k, 1, 1000)
    pop = np.zeros((parents, 2))
    archive = np.zeros((0, 2))
    seen, when, best = [pop.copy()], [np.zeros(parents, dtype=int)], []
    best_loss = float(deceptive_loss(pop).min())
    solved_at = None
    per_parent = children // parents
    for g in range(1, generations + 1):
        kids = np.clip(np.repeat(pop, per_parent, axis=0)
                       + sigma * rng.standard_normal((parents * per_parent, 2)), -BOX, BOX)
        pool = np.concatenate([pop, kids])
        if method == "objective":
            keep = np.argsort(deceptive_loss(pool), kind="stable")[:parents]
        else:
            score = _novelty(pool, np.concatenate([archive, pool]), k)
            keep = np.argsort(-score, kind="stable")[:parents]
            newest = parents + int(np.argmax(score[parents:]))
            archive = np.concatenate([archive, pool[newest][None, :]])
        pop = pool[keep]
        seen.append(kids)
        when.append(np.full(kids.shape[0], g))
        best_loss = min(best_loss, float(deceptive_loss(kids).min()))
        best.append(best_loss)
        if solved_at is None and np.min(np.linalg.norm(kids - GOAL, axis=1)) < SOLVED:
            solved_at = g
    return {"points": np.concatenate(seen), "generation": np.concatenate(when),
            "best_loss": best, "solved_at": solved_at}


def coverage(points, cell: float = 0.5) -> int:
    """How many cells of a `cell`-sized grid over the square the points visited."""
    p = np.asarray(points, dtype=np.float64)
    cells = np.floor((np.clip(p, -BOX, BOX - 1e-9) + BOX) / cell).astype(int)
    return int(np.unique(cells, axis=0).shape[0])


DIVERGENCE_SEEDS = 20


def divergence_summary(seeds: int = DIVERGENCE_SEEDS) -> list[dict]:
    """Both methods on seeds 0 .. seeds-1: per run, solved_at, best loss and coverage."""
    seeds = validate.integer_in_range("seeds", seeds, 1, 1000)
    rows = []
    for method in ("objective", "novelty"):
        for seed in range(seeds):
            run = divergent_search(method, seed)
            rows.append({"method": method, "seed": seed, "solved_at": run["solved_at"],
                         "best_loss": run["best_loss"][-1], "cells": coverage(run["points"])})
    return rows


def divergence_value(name: str, method: str = "novelty") -> float:
    """'solved' (runs that found the goal), 'runs', 'cells' (median cells visited),
    'best_loss' (median best loss) or 'cells_total' (cells in the square) for the page."""
    name = validate.choice("name", name, ("solved", "runs", "cells", "best_loss", "cells_total"))
    if name == "runs":
        return DIVERGENCE_SEEDS
    if name == "cells_total":
        return int(round(2 * BOX / 0.5)) ** 2
    method = validate.choice("method", method, ("objective", "novelty"))
    rows = [r for r in _once("divergence", divergence_summary) if r["method"] == method]
    if name == "solved":
        return sum(r["solved_at"] is not None for r in rows)
    return float(np.median([r[name] for r in rows]))


# ---------------------------------------------------------------- directed and undirected search

MANY = {"points": 100, "hidden": 4, "runs": 8, "gd_steps": 1500, "lr": 0.5,
        "population": 20, "sigma": 0.05, "generations": 1500, "seed": 0}


def smooth_task(points: int = MANY["points"], hidden: int = MANY["hidden"], seed: int = 0):
    """The XOR-of-signs data with a smooth 2-hidden-1 tanh network (identity output, MSE on 0/1
    targets), which both methods can train: (task, sizes)."""
    rng = validate.rng_from_seed(seed)
    X = rng.uniform(-1.0, 1.0, size=(points, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(np.float64)[:, None]
    sizes = (2, hidden, 1)
    return train.network_task(sizes, X, y, loss="mse", activation="tanh"), sizes


def aligned(theta_ref: Array, theta: Array, sizes) -> Array:
    """`theta` with its hidden units permuted and sign-flipped (tanh is odd: flipping a unit's
    incoming weights, bias and outgoing weight gives the same function) to be as close as
    possible to `theta_ref` in Euclidean distance, by trying all h! 2^h variants."""
    (W1, b1), (W2, b2) = nets.unravel(np.asarray(theta, dtype=np.float64), sizes)
    h = W1.shape[1]
    best, best_d = None, np.inf
    ref = np.asarray(theta_ref, dtype=np.float64)
    for perm in itertools.permutations(range(h)):
        p = list(perm)
        for signs in itertools.product((1.0, -1.0), repeat=h):
            s = np.array(signs)
            cand = nets.ravel([(W1[:, p] * s, b1[p] * s), (W2[p, :] * s[:, None], b2)])
            d = float(np.linalg.norm(cand - ref))
            if d < best_d:
                best, best_d = cand, d
    return best


def many_starts(runs: int = MANY["runs"], seed: int = MANY["seed"]) -> dict:
    """`runs` starts (N(0, 1) weights), each trained by gradient descent (full batch, lr 0.5)
    and by local search (20 children, sigma 0.05, mutate all): where they end, how far apart, and
    the loss barrier on the straight line between each pair (after alignment).

    Returns {"runs": [{method, run, loss, theta}], "pairs": [{method, a, b, distance,
    aligned_distance, barrier}]}; pairs are within a method, plus "across" pairs (run i of
    gradient descent with run i of local search, from the same start).
    """
    runs = validate.integer_in_range("runs", runs, 2, 50)
    task, sizes = smooth_task(seed=seed)
    rng = validate.rng_from_seed(seed + 1)
    starts = [nets.init_params(sizes, rng, scheme="normal") for _ in range(runs)]
    ends = {"gd": [], "evolution": []}
    out_runs = []
    for i, theta0 in enumerate(starts):
        gd = list(train.run(task, optim.sgd(MANY["lr"]), theta0, steps=MANY["gd_steps"],
                            record_every=MANY["gd_steps"], theta_dims=task.dimension))[-1]
        evo = list(search.run(search.local_search(MANY["population"], MANY["sigma"], mutate="all"),
                              task, theta0, rng, generations=MANY["generations"],
                              record_every=MANY["generations"], theta_dims=task.dimension))[-1]
        for method, record in (("gd", gd), ("evolution", evo)):
            theta = np.asarray(record["theta"])
            ends[method].append(theta)
            out_runs.append({"method": method, "run": i,
                             "loss": float(task.evaluate(theta)[0]), "theta": theta.tolist()})
    ts = np.linspace(0.0, 1.0, 21)

    def pair(method, a, b, theta_a, theta_b):
        other = aligned(theta_a, theta_b, sizes)
        losses = connectivity.interpolation_losses(lambda p: task.population_loss(p, None),
                                                   theta_a, other, ts)
        return {"method": method, "a": a, "b": b,
                "distance": float(np.linalg.norm(theta_a - theta_b)),
                "aligned_distance": float(np.linalg.norm(theta_a - other)),
                "barrier": connectivity.barrier_height(ts, losses)}

    pairs = []
    for method in ("gd", "evolution"):
        for a, b in itertools.combinations(range(runs), 2):
            pairs.append(pair(method, a, b, ends[method][a], ends[method][b]))
    for i in range(runs):
        pairs.append(pair("across", i, i, ends["gd"][i], ends["evolution"][i]))
    return {"runs": out_runs, "pairs": pairs}


_MANY_CACHE: dict = {}


def _many() -> dict:
    if "result" not in _MANY_CACHE:
        _MANY_CACHE["result"] = many_starts()
    return _MANY_CACHE["result"]


def many_value(name: str, method: str = "gd") -> float:
    """Medians of `many_starts()` for the page: 'loss' (final loss of the runs of `method`),
    'distance', 'aligned_distance', 'barrier' (over the pairs of `method`: gd, evolution, across),
    'runs', 'connected' (share of pairs with a barrier below 0.01), 'same' (pairs closer than 1
    after alignment: one solution up to relabelling), 'pairs' (how many), 'rank_correlation'
    (Spearman's, of aligned distance and barrier over the pairs of `method`)."""
    name = validate.choice("name", name, ("loss", "distance", "aligned_distance", "barrier",
                                          "runs", "connected", "max_loss", "same", "pairs",
                                          "rank_correlation"))
    method = validate.choice("method", method, ("gd", "evolution", "across"))
    result = _many()
    if name == "runs":
        return MANY["runs"]
    if name in ("loss", "max_loss"):
        if method == "across":
            raise validate.ArgumentValueError("method", "a run's loss is of gd or evolution")
        values = [r["loss"] for r in result["runs"] if r["method"] == method]
        return float(np.max(values) if name == "max_loss" else np.median(values))
    pairs = [p for p in result["pairs"] if p["method"] == method]
    if name == "connected":
        return float(np.mean([p["barrier"] < 0.01 for p in pairs]))
    if name == "same":
        return int(sum(p["aligned_distance"] < 1.0 for p in pairs))
    if name == "pairs":
        return len(pairs)
    if name == "rank_correlation":
        d = np.argsort(np.argsort([p["aligned_distance"] for p in pairs]))
        b = np.argsort(np.argsort([p["barrier"] for p in pairs]))
        return float(np.corrcoef(d, b)[0, 1])
    return float(np.median([p[name] for p in pairs]))
