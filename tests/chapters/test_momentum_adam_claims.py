"""Every outcome docs/momentum-adam.md claims, run with the same settings as the page.

Each test quotes the sentence it checks. The race is the chapter's `race` with the demo's
default settings (the demo's `run` is checked to give the same frames in tests/demos).
"""

import math

from explainer_core import datasets
from explainer_core.chapters import momentum_adam as chapter


def end(surface="double_well", **overrides):
    settings = chapter.settings_for(surface, overrides)
    *_, last = chapter.race(surface, settings=settings)
    return last


def test_gradient_descent_stops_in_the_shallow_dip_and_momentum_reaches_the_deep_well():
    """"Gradient descent rolls into the shallow dip at x ≈ 0.960 and stays there ... Momentum
    and Nesterov, with the same learning rate, carry over the hump and end in the deep well at
    x ≈ −1.04.\""""
    last = end()
    assert last["ended"] == {}
    gd, mom, nes = (last["points"][m] for m in ("gd", "momentum", "nesterov"))
    assert {chapter.DEFAULTS["double_well"][m]["lr"] for m in ("gd", "momentum", "nesterov")} == {0.01}
    assert chapter.well_of(gd["x"]) == "shallow"
    assert abs(gd["x"] - datasets.DOUBLE_WELL_SHALLOW) < 1e-3 and abs(gd["y"]) < 1e-3
    for p in (mom, nes):
        assert chapter.well_of(p["x"]) == "deep"
        assert abs(p["x"] - datasets.DOUBLE_WELL_DEEP) < 1e-3
        assert math.isclose(p["loss"], chapter.DEEP_LOSS, abs_tol=1e-6)
    assert math.isclose(gd["loss"], chapter.SHALLOW_LOSS, abs_tol=1e-6)
    assert chapter.final_x("gd") == gd["x"] and chapter.final_x("momentum") == mom["x"]


def test_gradient_descent_stays_put_once_in_the_shallow_dip():
    """"... within 0.01 of it after [[steps_to_shallow]] steps, and never leaves": every later
    step of the default run stays within 0.01 of the shallow minimum."""
    n = chapter.steps_to_shallow()
    frames = list(chapter.race("double_well", methods=("gd",)))
    assert 1 < n < len(frames) - 1
    assert all(abs(f["points"]["gd"]["x"] - datasets.DOUBLE_WELL_SHALLOW) <= 0.01 for f in frames[n:])
    assert abs(frames[n - 1]["points"]["gd"]["x"] - datasets.DOUBLE_WELL_SHALLOW) > 0.01


def test_adam_and_local_search_stop_in_the_shallow_dip_too():
    """"Adam and local search, at their default settings, stop in the shallow dip as well.\""""
    last = end()
    for m in ("adam", "local"):
        assert chapter.well_of(last["points"][m]["x"]) == "shallow"
        assert abs(last["points"][m]["x"] - datasets.DOUBLE_WELL_SHALLOW) < 0.05


def test_momentum_is_no_guarantee():
    """"Set momentum's learning rate to 0.03 and it stops in the shallow dip as well.\""""
    last = end(momentum={"lr": 0.03})
    assert chapter.well_of(last["points"]["momentum"]["x"]) == "shallow"
    assert abs(last["points"]["momentum"]["x"] - datasets.DOUBLE_WELL_SHALLOW) < 1e-3


def test_the_shallow_dip_is_higher_than_the_deep_well_and_lower_than_the_hump():
    """The page states the three heights; their order is what makes the dip a trap."""
    assert chapter.DEEP_LOSS < chapter.SHALLOW_LOSS < chapter.BARRIER_LOSS


def test_gradient_descent_needs_about_kappa_steps_momentum_about_sqrt_kappa():
    """"At condition 1000 gradient descent needs [[gd 1000]] steps, momentum [[momentum 1000]]:
    [[speedup]] times fewer"; "gradient descent's steps grow in proportion to the condition
    number, momentum's and Nesterov's with its square root"; "Adam needs the same number at every
    condition: this ravine lies along the axes"."""
    rows = chapter.ravine_steps()
    by = {(r["method"], r["condition"]): r["steps"] for r in rows}
    assert all(r["steps"] > 0 for r in rows)  # every method arrives
    for k in chapter.RAVINE_CONDITIONS:
        assert by[("gradient descent", k)] == chapter.gd_steps_closed_form(k)  # exact closed form
    # a thousandfold range: GD x ~500, momentum and Nesterov x ~ sqrt(500) = 22 (within 2x)
    ratio = lambda m: by[(m, 1000)] / by[(m, 2)]  # noqa: E731
    assert 300 < ratio("gradient descent") < 700
    for m in ("momentum", "Nesterov"):
        assert math.sqrt(500) / 2 < ratio(m) < math.sqrt(500) * 2
    assert len({by[("Adam", k)] for k in chapter.RAVINE_CONDITIONS}) == 1
    assert chapter.ravine_speedup(1000) == by[("gradient descent", 1000)] / by[("momentum", 1000)]
    assert chapter.ravine_speedup(1000) > 10


def test_local_search_costs_the_same_compute_per_step():
    """"A round of local search tries 3 children: 3 forward passes, what one gradient step costs.\""""
    assert chapter.compute_per_step("local") == chapter.compute_per_step("gd") == 3


def test_adam_loses_its_advantage_on_the_ravine_turned_45_degrees():
    """"Turn the ravine 45 degrees ... Adam's per-coordinate scaling then no longer undoes the
    conditioning": on the turned ravine, from the turned start, with the chart's Adam settings,
    Adam's steps grow with the condition number (and exceed its steps on the upright ravine)."""
    import numpy as np

    from explainer_core import optim

    c = np.sqrt(0.5)
    turn = np.array([[c, -c], [c, c]])

    def adam_steps(kappa):
        hessian = turn @ np.diag([1.0, kappa]) @ turn.T
        s = chapter.ravine_settings("adam", kappa)
        opt = optim.adam(s["lr"], s["b1"], s["b2"], s["eps"])
        theta = turn @ np.array(chapter.RAVINE_START)
        target = chapter.RAVINE_TOLERANCE * 0.5 * theta @ hessian @ theta
        state = opt.init(theta)
        for t in range(1, chapter.RAVINE_MAX_STEPS + 1):
            theta, state = opt.step(theta, hessian @ theta, state)
            if 0.5 * theta @ hessian @ theta <= target:
                return t
        return chapter.RAVINE_MAX_STEPS + 1

    turned = [adam_steps(float(k)) for k in (2, 10, 100, 1000)]
    assert turned == sorted(turned) and turned[-1] > 10 * turned[0]
    assert all(t > chapter.ravine_steps_at("adam", k) for t, k in zip(turned, (2, 10, 100, 1000)))


def test_gradient_descent_diverges_on_the_ravine_above_two_over_its_curvature():
    """"On the ravine, raise gradient descent's learning rate from 0.07 to 0.09, above 2 / 25 ...
    each step across the ravine then overshoots by a quarter more than the last, and the demo
    says at which step the run diverged, step [[divergence_step]].\""""
    import numpy as np

    s = chapter.surface("ravine")
    hessian_y = float(s.grad(np.array([0.0, 1.0]))[1])  # the steep curvature, by the gradient
    assert hessian_y == 25.0 and 0.07 < 2 / hessian_y < 0.09
    assert chapter.DEFAULTS["ravine"]["gd"]["lr"] == 0.07
    assert chapter.divergence_step("gd", 0.07, "ravine") == 0
    step = chapter.divergence_step("gd", 0.09, "ravine")
    # closed form: y_t = y_0 (1 - 0.09 * 25)^t = y_0 (-1.25)^t; the run has diverged at the
    # first t with |y_t| >= FAR
    y0 = s.start[1]
    assert abs(1 - 0.09 * hessian_y) == 1.25
    expected = math.ceil(math.log(chapter.FAR / abs(y0)) / math.log(1.25))
    assert step == expected
    frames = list(chapter.race("ravine", settings=chapter.settings_for("ravine", {"gd": {"lr": 0.09}}),
                               methods=("gd",)))
    assert frames[step - 1]["ended"] == {} and frames[step]["ended"] == {"gd": "diverged"}
