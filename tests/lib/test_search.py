"""Gradient-free methods on closed forms: shapes, acceptance rules, determinism, descent."""

import math

import numpy as np
import pytest

from explainer_core import search


def sphere(population):
    """U(x) = |x|^2 for a population (P, D) -> (P,); minimum 0 at the origin."""
    return np.sum(population**2, axis=1)


class PlainGD:
    """theta - lr * grad, with the optim interface (init/step); the reference for ES."""

    def __init__(self, lr):
        self.lr = lr

    def init(self, theta):
        return ()

    def step(self, theta, grad, state):
        return theta - self.lr * grad, state


def all_methods():
    return {
        "random_search": search.random_search(scale=0.3, population=4),
        "tweak_and_keep": search.tweak_and_keep(scale=0.1),
        "local_search_many": search.local_search(population=8, sigma=0.2, fraction=0.3),
        "local_search_one": search.local_search(population=8, sigma=0.3, mutate="one"),
        "local_search_decay": search.local_search(8, 0.3, decay=0.99, mutate="all", reset_after=20),
        "genetic_plus": search.genetic(population=16, sigma=0.1, parents=4),
        "genetic_comma": search.genetic(population=16, sigma=0.05, parents=4, elitist=False),
        "openai_es": search.openai_es(population=16, sigma=0.1, optimizer=PlainGD(0.2)),
        "metropolis_inf": search.metropolis(sigma=0.1),
        "metropolis_beta": search.metropolis(sigma=0.1, beta=200.0),
    }


def drive(method, loss_fn, theta, seed, generations):
    rng = np.random.default_rng(seed)
    state = method.init(theta, rng, loss=float(loss_fn(theta[None])[0]))
    for _ in range(generations):
        population, state = method.ask(state, rng)
        state = method.tell(state, population, loss_fn(population))
    return state


@pytest.mark.parametrize("name", sorted(all_methods()))
def test_every_method_lowers_the_sphere(name):
    method = all_methods()[name]
    theta = np.ones(6)
    state = drive(method, sphere, theta, seed=1, generations=200)
    # Start at |x|^2 = 6. Each method should cut it at least five-fold in 200 generations;
    # the loosest, pure random search, samples N(0, 0.09 I) with E|x|^2 = 0.54 per draw.
    assert state.loss < 6.0 / 5
    assert state.loss == pytest.approx(float(sphere(state.theta[None])[0]))


@pytest.mark.parametrize("name", sorted(all_methods()))
def test_ask_shape_and_same_seed_same_run(name):
    method = all_methods()[name]
    theta = np.linspace(-1, 1, 5)
    state = method.init(theta, np.random.default_rng(0), loss=float(sphere(theta[None])[0]))
    population, _ = method.ask(state, np.random.default_rng(0))
    assert population.shape == (method.batch, 5)
    assert population.dtype == np.float64
    a = drive(method, sphere, theta, seed=7, generations=30)
    b = drive(method, sphere, theta, seed=7, generations=30)
    c = drive(method, sphere, theta, seed=8, generations=30)
    assert np.array_equal(a.theta, b.theta) and a.loss == b.loss
    assert not np.array_equal(a.theta, c.theta)


def test_keep_best_methods_never_get_worse_and_need_strict_improvement():
    # A constant loss never improves strictly: tweak-and-keep must stay put...
    flat = lambda population: np.zeros(len(population))  # noqa: E731
    theta = np.arange(4.0)
    for method in (search.tweak_and_keep(0.1), search.random_search(0.1),
                   search.local_search(5, 0.1)):
        state = drive(method, flat, theta, seed=0, generations=20)
        assert np.array_equal(state.theta, theta) and state.improvements == 0
    # ...while Metropolis with beta = inf accepts every move that does not increase the loss.
    state = drive(search.metropolis(0.1), flat, theta, seed=0, generations=20)
    assert state.accepted == 20 and not np.array_equal(state.theta, theta)


def test_keep_best_loss_is_monotone_on_a_noisy_start():
    method = search.tweak_and_keep(0.5)
    rng = np.random.default_rng(3)
    state = method.init(np.full(3, 2.0), rng, loss=12.0)
    previous = state.loss
    for _ in range(50):
        population, state = method.ask(state, rng)
        state = method.tell(state, population, sphere(population))
        assert state.loss <= previous
        previous = state.loss


def test_unknown_start_loss_accepts_the_first_finite_candidate():
    # NNFS starts from lowest_loss = 9999999: any first candidate wins.
    method = search.tweak_and_keep(0.1)
    rng = np.random.default_rng(0)
    state = method.init(np.zeros(2), rng)
    assert state.loss == math.inf
    population, state = method.ask(state, rng)
    state = method.tell(state, population, np.array([123.0]))
    assert state.loss == 123.0 and np.array_equal(state.theta, population[0])


def test_nan_losses_never_win():
    rng = np.random.default_rng(0)
    for method in (search.local_search(4, 0.1), search.metropolis(0.1, beta=1.0),
                   search.genetic(4, 0.1, parents=2)):
        state = method.init(np.zeros(3), rng, loss=1.0)
        population, state = method.ask(state, rng)
        state = method.tell(state, population, np.full(method.batch, np.nan))
        assert state.loss == 1.0 and np.array_equal(state.theta, np.zeros(3))


def test_random_search_ignores_the_current_parameters():
    method = search.random_search(scale=2.0, population=20000)
    rng = np.random.default_rng(0)
    state = method.init(np.full(3, 100.0), rng, loss=1.0)
    population, _ = method.ask(state, rng)
    # Fresh N(0, 4) draws: sample mean ~ 0 (sd 0.014), sample sd ~ 2.
    assert np.all(np.abs(population.mean(axis=0)) < 0.06)
    assert np.allclose(population.std(axis=0), 2.0, atol=0.05)


def test_mutate_one_changes_exactly_one_parameter_per_child():
    method = search.local_search(population=50, sigma=1.0, mutate="one")
    rng = np.random.default_rng(0)
    theta = np.arange(10.0)
    population, _ = method.ask(method.init(theta, rng, loss=1.0), rng)
    assert np.all(np.count_nonzero(population != theta, axis=1) == 1)


@pytest.mark.parametrize("fraction", [0.05, 0.5, 1.0])
def test_mutate_many_touches_the_requested_fraction(fraction):
    method = search.local_search(population=400, sigma=1.0, mutate="many", fraction=fraction)
    rng = np.random.default_rng(0)
    theta = np.zeros(250)
    population, _ = method.ask(method.init(theta, rng, loss=1.0), rng)
    share = np.count_nonzero(population) / population.size
    # 100,000 Bernoulli(fraction) draws: standard error <= 0.0016.
    assert share == pytest.approx(fraction, abs=0.01)


def test_mutation_scale_decays_and_resets_after_stale_rounds():
    flat = lambda population: np.zeros(len(population))  # noqa: E731
    method = search.local_search(population=2, sigma=0.5, decay=0.9, reset_after=5)
    rng = np.random.default_rng(0)
    state = method.init(np.zeros(3), rng, loss=0.0)
    seen = []
    for _ in range(7):
        population, state = method.ask(state, rng)
        state = method.tell(state, population, flat(population))
        seen.append(state.sigma)
    # sigma_k = 0.5 * 0.9^k for k = 1..4; the fifth stale round resets to 0.5, then decays again.
    expected = [0.5 * 0.9, 0.5 * 0.81, 0.5 * 0.729, 0.5 * 0.6561, 0.5, 0.45, 0.405]
    assert seen == pytest.approx(expected)


def test_mutation_scale_sets_the_spread_of_children():
    method = search.local_search(population=5000, sigma=0.3, mutate="all")
    rng = np.random.default_rng(1)
    population, _ = method.ask(method.init(np.zeros(40), rng, loss=1.0), rng)
    assert np.std(population) == pytest.approx(0.3, rel=0.01)


def test_genetic_crossover_mixes_parameters_of_two_parents():
    method = search.genetic(population=200, sigma=1e-12, parents=2)
    rng = np.random.default_rng(0)
    state = method.init(np.zeros(20), rng, loss=1.0)
    state = state._replace(parents=np.stack([np.zeros(20), np.ones(20)]))
    children, _ = method.ask(state, rng)
    rounded = np.round(children)
    assert np.allclose(children, rounded, atol=1e-9)
    ones = rounded.sum(axis=1)
    # Each gene from either parent: some children mix both (0 < ones < 20).
    assert np.any((ones > 0) & (ones < 20))
    # P(gene from parent 1) = 1/2, so E[ones] = 10. Per child the sum is 0 or 20 (same parent
    # drawn twice, prob 1/4 each) or Binomial(20, 1/2): variance 50 + 2.5, so the mean of 200
    # children has standard error 0.51; 4 standard errors allowed.
    assert ones.mean() == pytest.approx(10.0, abs=2.05)


def test_genetic_selection_plus_keeps_elites_comma_forgets_them():
    rng = np.random.default_rng(0)
    for elitist in (True, False):
        method = search.genetic(population=4, sigma=0.1, parents=2, elitist=elitist)
        state = method.init(np.zeros(3), rng, loss=0.5)
        children, state = method.ask(state, rng)
        state = method.tell(state, children, np.array([4.0, 1.0, 3.0, 2.0]))
        if elitist:
            assert state.loss == 0.5 and np.array_equal(state.parent_losses, [0.5, 0.5])
        else:
            assert state.loss == 1.0 and np.array_equal(state.parent_losses, [1.0, 2.0])
            assert np.array_equal(state.parents, children[[1, 3]])


def test_centred_ranks_closed_form():
    assert np.allclose(search.centred_ranks(np.array([3.0, 1.0, 2.0])), [0.5, -0.5, 0.0])
    assert np.allclose(search.centred_ranks(np.array([10.0, -1.0, 7.0, 0.0, 5.0])),
                       [0.5, -0.5, 0.25, -0.25, 0.0])


def test_openai_es_population_is_antithetic_around_the_mean():
    method = search.openai_es(population=6, sigma=0.5, optimizer=PlainGD(0.1))
    rng = np.random.default_rng(0)
    state = method.init(np.arange(4.0), rng, loss=14.0)
    rows, state = method.ask(state, rng)
    assert rows.shape == (7, 4)
    assert np.array_equal(rows[0], np.arange(4.0))
    assert np.allclose(rows[1:4] + rows[4:7], 2 * rows[0])
    assert np.allclose(rows[1:4] - rows[0], 0.5 * state.noise)


def test_openai_es_pseudo_gradient_points_along_the_true_gradient():
    # On a linear loss U = a.x the centred-rank estimate is parallel to a in expectation.
    a = np.array([3.0, -1.0, 0.5, 2.0, 0.0, -2.5])
    method = search.openai_es(population=2000, sigma=0.01, optimizer=PlainGD(0.0))
    rng = np.random.default_rng(0)
    state = method.init(np.zeros(6), rng, loss=0.0)
    rows, state = method.ask(state, rng)
    state = method.tell(state, rows, rows @ a)
    cosine = state.grad @ a / (np.linalg.norm(state.grad) * np.linalg.norm(a))
    assert cosine > 0.97


def test_openai_es_reports_the_loss_of_the_evaluated_mean():
    method = search.openai_es(population=4, sigma=0.1, optimizer=PlainGD(0.5))
    rng = np.random.default_rng(0)
    state = method.init(np.ones(3), rng, loss=3.0)
    for _ in range(3):
        rows, state = method.ask(state, rng)
        state = method.tell(state, rows, sphere(rows))
        assert np.array_equal(state.theta, rows[0])
        assert state.loss == float(sphere(rows[:1])[0])
        assert not np.array_equal(state.mean, state.theta)


def test_metropolis_acceptance_rate_matches_the_closed_form():
    # U(x) = x on one parameter: dU = sigma * eps, eps ~ N(0, 1), so the acceptance probability is
    # P(eps <= 0) + E[exp(-beta sigma eps); eps > 0] = 1/2 + exp(b^2/2) Phi(-b), b = beta sigma.
    sigma, beta, steps = 0.5, 2.0, 20000
    b = beta * sigma
    expected = 0.5 + math.exp(b * b / 2) * 0.5 * math.erfc(b / math.sqrt(2))
    state = drive(search.metropolis(sigma, beta), lambda p: p[:, 0], np.zeros(1), 0, steps)
    # Bernoulli with p ~ 0.7 over 20,000 steps: standard error 0.0032.
    assert state.accepted / steps == pytest.approx(expected, abs=0.015)


def test_metropolis_beta_inf_accepts_exactly_the_non_increasing_moves():
    u = np.array([0.0, 0.5, 0.99])
    assert search.metropolis_accept(np.array([-1.0, 0.0, 1e-12]), math.inf, u).tolist() == [
        True, True, False]
    assert search.metropolis_accept(np.array([1.0, 1.0, 1.0]), 1.0, u).tolist() == [
        True, False, False]  # exp(-1) = 0.37
    assert search.metropolis_accept(np.array([5.0, 50.0, 1e9]), 0.0, u).all()  # beta = 0: walk


def test_metropolis_mutates_every_weight():
    method = search.metropolis(sigma=0.2)
    rng = np.random.default_rng(0)
    state = method.init(np.zeros(1000), rng, loss=0.0)
    child, _ = method.ask(state, rng)
    assert child.shape == (1, 1000) and np.count_nonzero(child) == 1000
    assert np.std(child) == pytest.approx(0.2, rel=0.1)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "build, argument",
    [
        (lambda: search.local_search(population=0, sigma=0.1), "population"),
        (lambda: search.local_search(population=10**9, sigma=0.1), "population"),
        (lambda: search.genetic(population=10**9, sigma=0.1), "population"),
        (lambda: search.openai_es(population=0, sigma=0.1, optimizer=PlainGD(1)), "population"),
        (lambda: search.openai_es(population=5, sigma=0.1, optimizer=PlainGD(1)), "population"),
        (lambda: search.random_search(scale=-1.0), "scale"),
        (lambda: search.tweak_and_keep(scale=float("nan")), "scale"),
        (lambda: search.local_search(population=4, sigma=-0.1), "sigma"),
        (lambda: search.local_search(population=4, sigma=float("nan")), "sigma"),
        (lambda: search.metropolis(sigma=0.0), "sigma"),
        (lambda: search.metropolis(sigma=0.1, beta=-1.0), "beta"),
        (lambda: search.metropolis(sigma=0.1, beta=float("nan")), "beta"),
        (lambda: search.metropolis(sigma=0.1, beta=-math.inf), "beta"),
        (lambda: search.local_search(4, 0.1, fraction=0.0), "fraction"),
        (lambda: search.local_search(4, 0.1, fraction=1.5), "fraction"),
        (lambda: search.local_search(4, 0.1, fraction=float("nan")), "fraction"),
        (lambda: search.local_search(4, 0.1, decay=0.0), "decay"),
        (lambda: search.local_search(4, 0.1, decay=1.1), "decay"),
        (lambda: search.local_search(4, 0.1, mutate="some"), "mutate"),
        (lambda: search.local_search(4, 0.1, reset_after=0), "reset_after"),
        (lambda: search.genetic(population=4, sigma=0.1, parents=5), "parents"),
        (lambda: search.mutate(np.zeros(3), 2, -0.1, np.random.default_rng(0)), "sigma"),
        (lambda: search.mutate(np.zeros(3), 0, 0.1, np.random.default_rng(0)), "rows"),
        (lambda: search.mutate(np.zeros(3), 2, 0.1, np.random.default_rng(0), "few"), "mutate"),
        (lambda: search.mutate([np.nan], 2, 0.1, np.random.default_rng(0)), "theta"),
    ],
)
def test_bad_settings_raise_a_value_error_naming_the_argument(build, argument):
    with pytest.raises(ValueError) as error:
        build()
    assert argument in str(error.value)
    assert error.value.arg == argument  # the control the page shows the message beside


def test_ranges_are_stated_in_the_message():
    with pytest.raises(ValueError, match=r"fraction must be in \(0, 1\]"):
        search.local_search(4, 0.1, fraction=2)
    with pytest.raises(ValueError, match=r"population must be a whole number in \[1, 100000\]"):
        search.tweak_and_keep(0.1, population=10**9)
    with pytest.raises(ValueError, match=r"beta must be in \[0, inf\)"):
        search.metropolis(0.1, beta=-0.5)


def test_beta_infinity_is_allowed_in_every_spelling():
    for beta in (math.inf, float("inf"), np.inf, "inf"):
        assert search.metropolis(0.1, beta).settings["beta"] == math.inf


def test_memory_budget_refuses_population_times_dimension():
    method = search.local_search(population=10000, sigma=0.1)
    dimension = search.MAX_ELEMENTS // 10000 + 1
    with pytest.raises(ValueError, match="memory budget") as error:
        method.init(np.zeros(dimension), np.random.default_rng(0))
    assert "population" in str(error.value)
    # Just inside the budget is accepted (and nothing is allocated by init beyond theta).
    method.init(np.zeros(search.MAX_ELEMENTS // 10000), np.random.default_rng(0))


def test_bad_theta_and_losses():
    method = search.tweak_and_keep(0.1)
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="theta"):
        method.init(np.array([1.0, np.nan]), rng)
    with pytest.raises(ValueError, match="theta"):
        method.init(np.zeros((2, 2)), rng)
    with pytest.raises(ValueError, match="theta"):
        method.init(np.zeros(0), rng)
    state = method.init(np.zeros(2), rng)
    population, state = method.ask(state, rng)
    with pytest.raises(ValueError, match="losses"):
        method.tell(state, population, np.zeros(3))


def test_openai_es_needs_an_optimizer():
    with pytest.raises(TypeError, match="optimizer"):
        search.openai_es(4, 0.1, optimizer=0.01)


def network_methods():
    from explainer_core import optim

    methods = all_methods()
    # the centred-rank pseudo-gradient has norm ~ sqrt(D) / sigma: Adam makes the step size
    # independent of it, as in Salimans et al.
    methods["openai_es"] = search.openai_es(population=16, sigma=0.1, optimizer=optim.adam(0.05))
    return methods


@pytest.mark.parametrize("name", sorted(all_methods()))
def test_every_method_lowers_the_loss_of_a_small_network(name):
    import copy

    from explainer_core import datasets, nets, train

    X, y = datasets.sine_data(32)
    task = train.network_task([1, 6, 1], X, y, loss="mse", activation="tanh")
    rng = np.random.default_rng(0)
    theta = nets.init_params([1, 6, 1], rng, scheme="xavier")
    twin = copy.deepcopy(rng)
    method = network_methods()[name]
    records = list(search.run(method, task, theta, rng, generations=150, record_every=150))
    # Start: a Xavier-initialised 1-6-1 tanh net, MSE ~0.57 against sin(2 pi x). Seeds 0-2
    # ended at 0.61-0.71 of the start for random search (which never uses the current
    # parameters) and at 0.03-0.43 for every other method; 0.8 separates "learns" from "does
    # not" with margin for all of them.
    assert records[-1]["loss"] < 0.8 * records[0]["loss"]
    # the driver's result is plain ask/tell with the same stream of random numbers
    state = method.init(theta, twin, loss=float(task.population_loss(theta[None], None)[0]))
    for _ in range(150):
        population, state = method.ask(state, twin)
        state = method.tell(state, population, task.population_loss(population, None))
    assert records[-1]["loss"] == state.loss
    assert records[-1]["loss"] == pytest.approx(task.evaluate(state.theta)[0], rel=1e-12)
