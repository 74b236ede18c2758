"""The chapter module of "Momentum and Adam" against independent references.

The race's steps are written out here from the textbook formulas (PyTorch's documented SGD and
Adam, Kingma & Ba 2015, Algorithm 1) and compared with what the chapter's run does.
"""

import math

import numpy as np
import pytest

from explainer_core import datasets, validate
from explainer_core.chapters import momentum_adam as chapter


def reference_run(method, s, grad, theta, steps):
    """The update rules written out, independent of explainer_core.optim."""
    theta = np.array(theta, float)
    b = np.zeros(2)
    m = np.zeros(2)
    v = np.zeros(2)
    moments = []
    for t in range(1, steps + 1):
        g = grad(theta)
        if method == "gd":
            theta = theta - s["lr"] * g
        elif method in ("momentum", "nesterov"):
            b = g if t == 1 else s["beta"] * b + g
            d = g + s["beta"] * b if method == "nesterov" else b
            theta = theta - s["lr"] * d
        else:
            m = s["b1"] * m + (1 - s["b1"]) * g
            v = s["b2"] * v + (1 - s["b2"]) * g * g
            m_hat, v_hat = m / (1 - s["b1"] ** t), v / (1 - s["b2"] ** t)
            step = -s["lr"] * m_hat / (np.sqrt(v_hat) + s["eps"])
            theta = theta + step
            moments.append({"g": g, "m": m, "v": v, "m_hat": m_hat, "v_hat": v_hat, "step": step})
    return theta, moments


@pytest.mark.parametrize("surface", chapter.SURFACE_NAMES)
@pytest.mark.parametrize("method", ["gd", "momentum", "nesterov", "adam"])
def test_race_steps_follow_the_textbook_rules(surface, method):
    s = datasets.surface(surface)
    cfg = chapter.settings_for(surface)
    frames = list(chapter.race(surface, steps=40, methods=(method,)))
    theta, _ = reference_run(method, cfg[method], s.grad, s.start, 40)
    p = frames[-1]["points"][method]
    assert np.allclose([p["x"], p["y"]], theta, rtol=1e-10, atol=1e-12)
    assert math.isclose(p["loss"], float(s.f(theta)), rel_tol=1e-9, abs_tol=1e-12)
    assert frames[0]["points"][method]["x"] == s.start[0]


def test_adam_moments_are_kingma_and_ba_with_bias_correction():
    s = datasets.surface("rosenbrock")
    cfg = chapter.settings_for("rosenbrock", {"adam": {"b1": 0.8, "b2": 0.99, "eps": 1e-3}})
    frames = list(chapter.race("rosenbrock", settings=cfg, steps=25, methods=("adam",)))
    _, moments = reference_run("adam", cfg["adam"], s.grad, s.start, 25)
    for frame, ref in zip(frames[1:], moments):
        got = frame["adam"]
        for key in ("g", "m", "v", "m_hat", "v_hat", "step"):
            assert np.allclose(got[key], ref[key], rtol=1e-10, atol=1e-14), key
    first = frames[1]["adam"]
    g = np.array(first["g"])
    # after one step the bias-corrected moments are g and g^2 exactly; the step is -lr sign(g)
    # up to eps
    assert first["t"] == 1
    assert np.allclose(first["m_hat"], g) and np.allclose(first["v_hat"], g * g)
    assert np.allclose(first["step"], -0.05 * g / (np.abs(g) + 1e-3))
    # the raw moments are (1 - b) times smaller: the bias the correction removes
    assert np.allclose(first["m"], 0.2 * g) and np.allclose(first["v"], 0.01 * g * g)


def test_local_search_keeps_its_best_and_never_rises():
    frames = list(chapter.race("himmelblau", steps=200, methods=("local",), seed=3))
    losses = [f["points"]["local"]["loss"] for f in frames]
    assert all(b <= a for a, b in zip(losses, losses[1:]))
    assert losses[-1] < losses[0]
    again = list(chapter.race("himmelblau", steps=200, methods=("local",), seed=3))
    assert again[-1] == frames[-1]  # the seed fixes the run


def test_divergence_is_detected_and_the_method_stops():
    cfg = chapter.settings_for("ravine", {"gd": {"lr": 0.1}})  # above 2 / 25: every step overshoots
    frames = list(chapter.race("ravine", settings=cfg, steps=2000, methods=("gd", "adam")))
    assert frames[-1]["ended"] == {"gd": "diverged"}
    first = next(k for k, f in enumerate(frames) if f["ended"])
    assert frames[-1]["points"]["gd"] == frames[first - 1]["points"]["gd"]  # its last finite point
    assert math.isfinite(frames[-1]["points"]["gd"]["loss"])


def test_ravine_settings_give_the_closed_form_rates():
    for k in (4.0, 100.0):
        lr = chapter.ravine_settings("gd", k)["lr"]
        assert math.isclose(abs(1 - lr * 1), abs(1 - lr * k))  # both ends shrink equally
        mom = chapter.ravine_settings("momentum", k)
        # heavy ball: the rate is sqrt(beta) for both eigenvalues (Goh 2017, eq. for optimal params)
        for lam in (1.0, k):
            a, b = 1 + mom["beta"] - mom["lr"] * lam, -mom["beta"]
            eig = np.abs(np.linalg.eigvals(np.array([[a, b], [1, 0]])))
            assert np.allclose(eig.max(), math.sqrt(mom["beta"]), rtol=1e-6)
    with pytest.raises(validate.ArgumentValueError):
        chapter.ravine_settings("gd", 1.0)


def test_bad_arguments_name_themselves():
    with pytest.raises(validate.ArgumentValueError) as err:
        list(chapter.race("nowhere"))
    assert err.value.arg == "surface"
    with pytest.raises(validate.ArgumentValueError) as err:
        list(chapter.race("ravine", steps=0))
    assert err.value.arg == "steps"
