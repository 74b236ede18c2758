"""Same seed, same run: every search method gives the same trajectory on CPython and in Pyodide.

The snippet runs unchanged in both interpreters. Accept/reject decisions and step counts must be
identical; losses and parameters agree to 1e-12 relative (the two numpy builds may sum in a
different order or round tanh differently in the last bit, never more).
"""


import numpy as np
import pytest

from tests._pyodide import run_both

CODE = r'''
import numpy as np
from explainer_core import datasets, nets, optim, search, train

X, y = datasets.sine_data(32)
task = train.network_task([1, 6, 1], X, y, loss="mse", activation="tanh")
sphere = lambda p: np.sum(p * p, axis=1)
methods = {
    "random_search": search.random_search(0.3, population=4),
    "tweak_and_keep": search.tweak_and_keep(0.1),
    "local_search": search.local_search(8, 0.2, decay=0.99, fraction=0.3, reset_after=10),
    "local_search_one": search.local_search(8, 0.3, mutate="one"),
    "genetic": search.genetic(12, 0.1, parents=3),
    "openai_es": search.openai_es(10, 0.1, optim.adam(0.05)),
    "metropolis": search.metropolis(0.05),
    "metropolis_beta": search.metropolis(0.05, beta=300.0),
}
result = {}
for name, method in methods.items():
    for target in ("sphere", "network"):
        rng = np.random.default_rng(1234)
        theta = nets.init_params([1, 6, 1], rng, scheme="xavier")
        records = search.run(method, sphere if target == "sphere" else task, theta, rng,
                             generations=60, record_every=20, theta_dims=theta.size)
        result[name + "/" + target] = [
            {"step": r["step"], "loss": r["loss"], "theta": r["theta"],
             "forward_passes": r["forward_passes"]} for r in records]
result["draws"] = np.random.default_rng(1234).standard_normal(4).tolist()
'''



def test_search_runs_are_the_same_in_pyodide():
    here, there = run_both(CODE)
    assert here["draws"] == there["draws"]  # the generator stream itself is bit-identical
    for key in here:
        if key == "draws":
            continue
        for a, b in zip(here[key], there[key], strict=True):
            assert a["step"] == b["step"] and a["forward_passes"] == b["forward_passes"], key
            assert a["loss"] == pytest.approx(b["loss"], rel=1e-12, abs=1e-15), key
            assert np.allclose(a["theta"], b["theta"], rtol=1e-12, atol=1e-15), key
