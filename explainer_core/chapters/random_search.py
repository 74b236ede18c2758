"""NNFS chapter 6 (video P.9), "Introducing Optimization": random search and tweak-and-keep.

Kinsley & Kukiela, "Neural Networks from Scratch in Python" (2020), chapter 6. The network is
Dense(2, 3) - ReLU - Dense(3, 3) - softmax with categorical cross-entropy, weights 0.01 N(0, 1),
biases 0, trained for 10,000 iterations without any gradient:

* random search: every iteration draw all weights and biases afresh as 0.05 N(0, 1), keep them if
  the loss is lower than the best so far (`search.random_search(0.05)`);
* tweak-and-keep: add 0.05 N(0, 1) to the best weights and biases, keep the change if the loss
  falls, else revert (`search.tweak_and_keep(0.05)`).

The book's outcome: on vertical data random search barely moves (loss ~1.098, accuracy 0.333),
tweak-and-keep reaches accuracy ~0.93; on spiral data both stay above loss 1.0 with accuracy
around 0.35-0.40. The book seeds numpy's global generator (`nnfs.init()`); here every run takes
an explicit `numpy.random.Generator`, so the numbers differ run to run within the spread the
tests state.
"""

from __future__ import annotations

import numpy as np

from .. import datasets, nets, search, train, validate

METHODS = {"random_search": search.random_search, "tweak_and_keep": search.tweak_and_keep}
DATA = {"vertical": datasets.vertical_data, "spiral": datasets.spiral_data}


def chapter6(
    method: str = "tweak_and_keep",
    data: str = "vertical",
    iterations: int = 10_000,
    noise: float = 0.05,
    samples: int = 100,
    classes: int = 3,
    seed: int = 0,
    record_every: int = 100,
) -> list[dict]:
    """One run of the chapter's experiment as trajectory records (`train.make_record` dicts).

    Each record has the loss and accuracy of the best parameters so far on all
    `samples * classes` points, and the forward passes spent (one per point per candidate).
    """
    validate.choice("method", method, METHODS)
    validate.choice("data", data, DATA)
    rng = validate.rng_from_seed(seed)
    X, y = DATA[data](samples, classes, rng)
    sizes = (2, 3, validate.integer_in_range("classes", classes, 2, 1000))
    task = train.network_task(sizes, X, y, loss="softmax_cross_entropy", activation="relu")
    theta = nets.init_params(sizes, rng, scheme="nnfs")
    return list(search.run(METHODS[method](noise), task, theta, rng, generations=iterations,
                           record_every=record_every, theta_dims=0))


def summary(seeds=range(4), iterations: int = 10_000, noise: float = 0.05) -> list[dict]:
    """The chapter's four results (2 methods x 2 data sets) per seed: tidy rows.

    Rows: method, data, seed, loss, accuracy (final, best parameters), forward_passes.
    """
    rows = []
    for method in METHODS:
        for data in DATA:
            for seed in seeds:
                last = chapter6(method, data, iterations, noise, seed=seed,
                                record_every=iterations)[-1]
                rows.append({"method": method, "data": data, "seed": int(seed),
                             "loss": last["loss"], "accuracy": last["accuracy"],
                             "forward_passes": last["forward_passes"]})
    return rows
