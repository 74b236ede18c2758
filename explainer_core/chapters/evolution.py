"""Chapter "Evolution": the video's local search (mutation and selection) on a 1-32-32-1 tanh net.

Each round, P children are mutated copies of one parent; the best child replaces the parent if
its loss is strictly lower (`search.local_search`). The network has 1,153 parameters and fits
y = sin(x) at 64 evenly spaced points on [-pi, pi]. One child's loss costs 64 forward passes.
Emergent Garden, "Gradient Descent vs Evolution | How Neural Networks Learn".
"""

from __future__ import annotations

import functools

import numpy as np

from .. import datasets, nets, search, train, validate

LAYER_SIZES = (1, 32, 32, 1)
SAMPLES = 64
TARGET = "sin"
SEED = 0
MUTATIONS = ("many", "one")
# The simple method (one parent, keep the best child) and a generational GA with crossover.
METHOD_NAMES = ("local", "genetic")
SHOWN_CHILDREN = 4  # children's curves a frame carries


def parameter_count() -> int:
    """D for the chapter's network (1,153 for 1-32-32-1)."""
    return nets.param_count(LAYER_SIZES)


def task(target: str = TARGET, samples: int = SAMPLES) -> train.Task:
    X, y = datasets.regression_data(target, samples)
    return train.network_task(LAYER_SIZES, X, y, loss="mse", activation="tanh")


def start(seed: int = SEED) -> np.ndarray:
    return nets.init_params(LAYER_SIZES, validate.rng_from_seed(seed), scheme="xavier")


def method_of(method: str = "local", population: int = 20, sigma: float = 0.05,
              decay: float = 1.0, mutate: str = "many", fraction: float = 0.1,
              reset_after: int | None = None) -> search.SearchMethod:
    """The search method of the chapter: `local` is the video's local search
    (`search.local_search`), `genetic` a generational GA with crossover (`search.genetic`,
    elitist, mu = P // 4 parents, Gaussian mutation of every weight with the same sigma)."""
    validate.choice("method", method, METHOD_NAMES)
    if method == "genetic":
        return search.genetic(population, sigma, parents=max(1, population // 4), elitist=True,
                              crossover=True)
    return search.local_search(population, sigma, decay=decay, mutate=mutate, fraction=fraction,
                               reset_after=reset_after)


def evolve(population: int = 20, sigma: float = 0.05, decay: float = 1.0, mutate: str = "many",
           fraction: float = 0.1, rounds: int = 300, seed: int = SEED, method: str = "local",
           reset_after: int | None = None) -> dict:
    """Run local search; returns start loss, final loss, forward passes, rounds with no better child."""
    seed = validate.seed(seed)
    validate.choice("mutate", mutate, MUTATIONS)
    rounds = validate.integer_in_range("rounds", rounds, 1, 100_000)
    t = task()
    theta0 = start(seed)
    method = method_of(method, population, sigma, decay, mutate, fraction, reset_after)
    records = list(search.run(method, t, theta0, np.random.default_rng(seed + 1),
                              generations=rounds))
    losses = [r["loss"] for r in records]
    stuck = sum(1 for a, b in zip(losses, losses[1:]) if not b < a)
    return {"start_loss": float(t.loss(theta0)) if hasattr(t, "loss") else losses[0],
            "final_loss": float(losses[-1]), "forward_passes": int(records[-1]["forward_passes"]),
            "stuck_rounds": stuck, "rounds": int(records[-1]["step"])}


def final_loss(mutate: str = "many", population: int = 20, rounds: int = 300) -> float:
    """For the text: the final loss of a run with the chapter's settings."""
    return evolve(population=population, mutate=mutate, rounds=rounds)["final_loss"]


def start_loss(seed: int = SEED) -> float:
    seed = validate.seed(seed)
    return float(task().population_loss(start(seed)[None, :])[0])


def stuck_rounds(mutate: str = "many", population: int = 20, rounds: int = 300) -> int:
    return evolve(population=population, mutate=mutate, rounds=rounds)["stuck_rounds"]


def forward_passes(population: int = 20, rounds: int = 300) -> int:
    """For the text: forward passes of a run, counted by `search.run`."""
    return evolve(population=population, rounds=rounds)["forward_passes"]


SWEEP_POPULATIONS = (2, 5, 10, 20, 50, 100)
SWEEP_RATES = (0.003, 0.01, 0.03, 0.1, 0.3)
SWEEP_CHILDREN = 6000  # equal compute: every cell evaluates this many children


def sweep(children: int = SWEEP_CHILDREN, populations=SWEEP_POPULATIONS,
          rates=SWEEP_RATES) -> list[dict]:
    """Final loss of mutate many for each (population, mutation rate), rounds = children // P."""
    children = validate.integer_in_range("children", children, 1, 10**7)
    return [dict(r) for r in _sweep(children, tuple(populations), tuple(rates))]


@functools.lru_cache(maxsize=8)
def _sweep(children, populations, rates):
    rows = []
    for p in populations:
        for s in rates:
            r = evolve(population=p, sigma=s, rounds=max(1, children // p))
            rows.append({"population": p, "rate": s, "rounds": r["rounds"],
                         "forward_passes": r["forward_passes"], "final_loss": r["final_loss"]})
    return rows


def sweep_extreme(which: str = "best", field: str = "final_loss", children: int = SWEEP_CHILDREN):
    """For the text: a field of the sweep's best or worst cell."""
    validate.choice("which", which, ("best", "worst"))
    rows = sorted(sweep(children), key=lambda r: r["final_loss"])
    return (rows[0] if which == "best" else rows[-1])[field]


def sweep_ratio(children: int = SWEEP_CHILDREN) -> float:
    """For the text: the worst cell's final loss over the best cell's."""
    return sweep_extreme("worst", children=children) / sweep_extreme("best", children=children)


def curve_x(samples: int = SAMPLES) -> np.ndarray:
    """The x of the data points, (S,)."""
    return datasets.regression_data(TARGET, samples)[0][:, 0]


def curves(thetas) -> np.ndarray:
    """Outputs (P, S) of the networks `thetas` (P, D) at the data's x, one batched forward pass."""
    X = datasets.regression_data(TARGET, SAMPLES)[0]
    return nets.forward_population(np.atleast_2d(thetas), LAYER_SIZES, X, "tanh")[:, :, 0]


def rounds_of(population: int = 20, sigma: float = 0.05, decay: float = 1.0,
              mutate: str = "many", fraction: float = 0.1, rounds: int = 300, seed: int = SEED,
              method: str = "local", reset_after: int | None = None):
    """The run of `evolve`, one round at a time (the same random numbers, so the same run).

    Yields dicts: round (0 first: the start), loss (the parent's, or the GA's best), sigma,
    forward_passes, improved (this round found a better child), stuck (rounds so far that found
    none), nonfinite (children of this round whose loss was not finite), theta (the parent),
    children (the round's children, (P, D), None at round 0), child_losses.
    """
    seed = validate.seed(seed)
    validate.choice("mutate", mutate, MUTATIONS)
    rounds = validate.integer_in_range("rounds", rounds, 1, 100_000)
    t = task()
    theta0 = start(seed)
    m = method_of(method, population, sigma, decay, mutate, fraction, reset_after)
    rng = np.random.default_rng(seed + 1)
    loss = float(t.population_loss(theta0[None, :])[0])
    state = m.init(theta0, rng, loss=loss)
    forward = t.n_examples
    stuck = 0
    yield {"round": 0, "loss": loss, "sigma": float(getattr(state, "sigma", sigma)),
           "forward_passes": forward, "improved": False, "stuck": 0, "nonfinite": 0,
           "theta": state.theta, "children": None, "child_losses": None}
    for k in range(1, rounds + 1):
        children, state = m.ask(state, rng)
        sigma_used = float(getattr(state, "sigma", sigma))
        losses = t.population_loss(children)
        forward += m.batch * t.n_examples
        before = state.loss
        state = m.tell(state, children, losses)
        improved = bool(state.loss < before)
        stuck += 0 if improved else 1
        yield {"round": k, "loss": float(state.loss), "sigma": sigma_used,
               "forward_passes": forward, "improved": improved, "stuck": stuck,
               "nonfinite": int(np.sum(~np.isfinite(losses))), "theta": state.theta,
               "children": children, "child_losses": np.asarray(losses, dtype=np.float64)}


def genetic_final_loss(population: int = 20, rounds: int = 300) -> float:
    """For the text: the GA's final loss with the page's settings and compute."""
    return evolve(population=population, rounds=rounds, method="genetic")["final_loss"]


def decayed_final_loss(decay: float = 0.99, rounds: int = 300) -> float:
    """For the text: mutate many with a mutation rate that shrinks by `decay` each round."""
    return evolve(decay=decay, rounds=rounds)["final_loss"]
