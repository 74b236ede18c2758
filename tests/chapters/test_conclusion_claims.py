"""Every outcome docs/conclusion.md states, run with the settings the page uses.

Each test quotes its sentence (the numbers in it come from `[[value: conclusion.NAME ...]]`, the
same functions called here with the same options) and checks it, where it can, against an
independent reference: a hand-written Adam on the sphere's closed-form gradient, the closed form
of gradient descent on the sphere, a Monte Carlo estimate of the exact improving probability,
finite differences on the binary-step network.
"""

import functools
import math

import numpy as np
import pytest

from explainer_core.chapters import conclusion as chapter
from tests.demos import _demo_client as demo_client


@functools.lru_cache(maxsize=None)
def compute(method, task, population=chapter.POPULATION):
    return chapter.compute_to_target(method=method, task=task, population=population)


# ---- "How the table counts" -------------------------------------------------------------------


def test_the_tasks_have_the_sizes_and_starts_the_page_gives():
    """"a network with one input, 8 tanh neurons and one output ([[parameters]] parameters)" /
    "its loss is the share of points it gets wrong, [[start_loss task=xor]] at the start" /
    "from a random point at distance 1 (so U = 1 at the start)\""""
    assert chapter.parameters("fit") == 1 * 8 + 8 + 8 * 1 + 1
    assert chapter.parameters("sphere") == 100
    task, theta, _ = chapter.problem("xor")
    # outputs and targets are 0 or 1, so the mean squared error is the share of wrong points
    out = task.evaluate(theta)[0]
    assert chapter.start_loss("xor") == out and (out * chapter.XOR_POINTS) == round(out * 200)
    assert chapter.start_loss("sphere") == pytest.approx(1.0, abs=1e-12)
    # the fit's start loss by hand: mean of (net(x) - sin 2 pi x)^2 with the start's weights
    t, theta, _ = chapter.problem("fit")
    W1, b1 = theta[:8].reshape(1, 8), theta[8:16]
    W2, b2 = theta[16:24].reshape(8, 1), theta[24:]
    x = np.arange(32).reshape(-1, 1) / 32
    by_hand = np.mean((np.tanh(x @ W1 + b1) @ W2 + b2 - np.sin(2 * np.pi * x)) ** 2)
    assert chapter.start_loss("fit") == pytest.approx(by_hand, rel=1e-12)


def test_a_gradient_step_costs_three_forward_passes_per_example():
    """"a gradient step on a batch of B examples costs 3B, and a generation of P mutated
    children costs P times the examples.\""""
    frames = list(chapter.race_frames("fit", budget=10_000, points=10))
    for frame in frames:
        adam, ls = frame["adam"], frame["local_search"]
        assert adam["compute"] == 3 * 32 * adam["step"]
        assert ls["compute"] == 32 * (1 + chapter.POPULATION * ls["step"])  # the start too
        assert adam["compute"] <= frame["compute"]
        assert ls["compute"] <= frame["compute"] or ls["step"] == 0


# ---- "The table" ------------------------------------------------------------------------------


def test_compute_to_reach_the_fit_target():
    """"Adam: [[compute_to_target method=adam task=fit]] forward passes" / "[[... local_search]]
    forward passes, [[compute_ratio]] times more" / "On the smooth fit Adam reaches the target
    with a tenth of the compute or less\""""
    adam, ls = compute("adam", "fit"), compute("local_search", "fit")
    assert chapter.compute_ratio("fit") == ls / adam
    assert ls / adam >= 10
    # the record before the one counted is still above the target
    record = chapter.to_target("adam", "fit")
    assert record["loss"] <= chapter.target("fit") and record["compute"] == adam
    before = list(chapter.runner("adam", "fit", budget=adam - 1))[-1]
    assert before["loss"] > chapter.target("fit")


def test_adam_on_the_sphere_matches_a_hand_written_adam():
    """"Adam: [[compute_to_target method=adam task=sphere]] forward passes" / "on the sphere in 100
    dimensions the gap is more than a thousand-fold\""""
    _, x, _ = chapter.problem("sphere")
    m = v = np.zeros_like(x)
    b1, b2, eps, lr = 0.9, 0.999, 1e-8, chapter.LR
    steps = 0
    while x @ x > chapter.target("sphere"):
        g = 2 * x  # the closed-form gradient of |x|^2
        steps += 1
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        x = x - lr * (m / (1 - b1**steps)) / (np.sqrt(v / (1 - b2**steps)) + eps)
    assert compute("adam", "sphere") == 3 * steps  # one forward and one backward pass a step
    assert compute("local_search", "sphere") > 1000 * compute("adam", "sphere")


def test_as_dimensions_grow():
    """"Gradient descent (learning rate 0.1) halves the loss in [[descent_steps dimension=10]]
    steps at D = 10 and in [[descent_steps dimension=1000]] at D = 1000" / "The gradient's step
    count does not depend on D at all on the sphere." / "A mutation of fixed size improves less
    and less often as D grows; shrinking it as 1/D keeps it useful, but then the evaluations it
    needs grow with D.\""""
    # closed form: x -> (1 - 2 lr) x, so U_k = (1 - 2 lr)^(2k) from U_0 = 1
    closed = math.ceil(math.log(0.5) / (2 * math.log(1 - 2 * 0.1)))
    assert chapter.descent_steps(10) == chapter.descent_steps(1000) == closed == 2
    shares = [chapter.improving_share(d) for d in (10, 100, 1000)]
    assert shares[0] > shares[1] > shares[2] or (shares[0] > shares[1] and shares[2] == 0)
    # the exact probability at D = 10: 2 sigma z + sigma^2 chi2_10 < 0 (Monte Carlo, 400,000)
    rng = np.random.default_rng(12345)
    exact = np.mean(0.2 * rng.standard_normal(400_000) + 0.01 * rng.chisquare(10, 400_000) < 0)
    assert shares[0] == pytest.approx(exact, abs=0.05)
    assert shares[2] < 1e-3  # exact: about Phi(-sigma D / 2) = Phi(-50)
    assert chapter.improving_share(1000, sigma=1e-3) > 0.2  # sigma = 1/D: about Phi(-1/2)
    assert chapter.evolution_evaluations(1000) > 100 * chapter.evolution_evaluations(10)


def test_the_binary_step_network_has_no_gradient_and_local_search_lowers_its_loss():
    """"The gradient is exactly [[step_network_figure method=sgd quantity=grad]]: the loss stays
    at [[... quantity=final]]" / "Local search lowers the loss from [[start]] to [[final]]\""""
    assert chapter.step_network_figure("sgd", "grad") == 0.0
    assert chapter.step_network_figure("sgd", "final") == chapter.step_network_figure("sgd", "start")
    assert chapter.step_network_figure("local_search", "final") < \
        chapter.step_network_figure("local_search", "start")
    # finite differences: nudging any one weight a little changes nothing (piecewise constant)
    task, theta, _ = chapter.problem("xor")
    base = task.evaluate(theta)[0]
    for i in range(theta.size):
        for h in (1e-7, -1e-7):
            nudged = theta.copy()
            nudged[i] += h
            assert task.evaluate(nudged)[0] == base


def test_each_family_misses_at_some_settings_and_reaches_at_others():
    """"[[settings_reaching_target method=adam]] of the 6 learning rates reach the target" /
    "Each family misses the target at some of the six settings of the grid, and reaches it at
    others: neither works untuned.\""""
    assert chapter.grid_size() == 6 and min(chapter.GRID) == 1e-4 and max(chapter.GRID) == 10
    assert chapter.SETTINGS_BUDGET == 200_000
    for method in chapter.METHODS:
        assert 0 < chapter.settings_reaching_target(method) < 6
    # the default settings are among those that work for Adam
    assert chapter.to_target("adam", "fit", budget=chapter.SETTINGS_BUDGET) is not None


def test_every_seed_leaves_adam_far_below_every_seed_of_local_search():
    """"on this task every seed leaves Adam far below every seed of local search" (seeds 0 to 4,
    60,000 forward passes)"""
    assert chapter.seed_count() == 5 and chapter.BUDGET == 60_000
    adam, ls = chapter.seed_losses("adam"), chapter.seed_losses("local_search")
    assert max(adam) == chapter.seed_spread("adam", stat="max")
    assert min(ls) == chapter.seed_spread("local_search", stat="min")
    assert max(adam) < min(ls) / 10
    assert len(set(adam)) == 5 and len(set(ls)) == 5  # chance does move both


def test_more_children_mean_fewer_generations_and_more_compute():
    """"More children per generation means fewer generations one after another" / "But the total
    compute grows: [[population=100]] forward passes with 100 children against [[population=1]]
    with one.\""""
    rounds = [chapter.sequential_rounds("local_search", population=p) for p in (1, 10, 100)]
    assert rounds[0] > rounds[1] > rounds[2]
    spent = [compute("local_search", "fit", p) for p in (1, 10, 100)]
    assert spent[0] < spent[1] < spent[2]
    for p, r, c in zip((1, 10, 100), rounds, spent):
        assert c == 32 * (1 + p * r)
    assert chapter.sequential_rounds("adam") * 3 * 32 == compute("adam", "fit")


def test_in_the_demo_adams_line_stays_flat_on_the_binary_step_xor():
    """"and the binary-step XOR, where Adam's line stays flat.\""""
    out, frames = demo_client.run("conclusion", "race", {"task": "xor"}, max_frames=100_000)
    assert out["ok"] and frames[-1]["done"]
    losses = {f["methods"]["adam"]["loss"] for f in frames}
    assert losses == {chapter.start_loss("xor")}
    assert frames[-1]["methods"]["adam"]["step"] > 0
    assert frames[-1]["methods"]["local_search"]["loss"] < chapter.start_loss("xor")
    assert frames[-1]["outcome"] == "stalled"
