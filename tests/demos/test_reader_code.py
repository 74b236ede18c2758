"""A demo run with the reader's own version of a library function (explainer_core.usercode).

The reference for an edited function is a run the library already does: the local search's
mutation with its noise doubled is the same run as the library's at twice the mutation rate;
a Metropolis acceptance that keeps every mutation accepts a share of exactly 1. The library's
own text, sent as the reader's, gives the library's frames bit for bit. Errors name the line of
the reader's text, and the library is whole again after every one of them.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from explainer_core import numdiff, optim, search, speculative, train, usercode, yours
from explainer_core.demos import playground as pg
from tests.demos._demo_client import call, run

ACCEPT = "search:metropolis_accept"
MUTATE = "search:_mutations"
ADAM = "optim:adam_direction"
STEP = "optim:descent_step"
FORWARD = "numdiff:forward_difference"
SELECT = "search:select"
TWEAK = "speculative:tweak"
ASK, TELL, UPDATE = "yours:ask", "yours:tell", "yours:update"
ORIGINALS = {ACCEPT: search.metropolis_accept, MUTATE: search._mutations,
             ADAM: optim.adam_direction, STEP: optim.descent_step, FORWARD: numdiff.forward_difference,
             SELECT: search.select, TWEAK: speculative.tweak,
             ASK: yours.ask, TELL: yours.tell, UPDATE: yours.update}


def library_text(name: str) -> str:
    return inspect.getsource(ORIGINALS[name])


def code_error(out: dict) -> dict:
    assert not out["ok"], out
    error = out["error"]
    assert error["type"] == "CodeError" and error["arg"] == "code", error
    return error


@pytest.fixture(autouse=True)
def library_is_whole_again():
    yield
    assert search.metropolis_accept is ORIGINALS[ACCEPT]
    assert search._mutations is ORIGINALS[MUTATE]
    assert optim.adam_direction is ORIGINALS[ADAM] and optim.descent_step is ORIGINALS[STEP]
    assert numdiff.forward_difference is ORIGINALS[FORWARD] and search.select is ORIGINALS[SELECT]
    assert speculative.tweak is ORIGINALS[TWEAK]
    assert yours.ask is ORIGINALS[ASK] and yours.tell is ORIGINALS[TELL] and yours.update is ORIGINALS[UPDATE]


SHORT = {"mutations": "60", "runs": "20"}


def test_the_library_text_sent_as_the_reader_gives_the_library_frames():
    _, frames = run("neuroevolution", "run", SHORT)
    _, mine = run("neuroevolution", "run", {**SHORT, "code": {ACCEPT: library_text(ACCEPT)}})
    assert mine == frames
    every = {"rounds": "15", "curves_ms": "0"}  # curves in every frame, not on a clock
    _, frames = run("evolution", "run", every)
    _, mine = run("evolution", "run", {**every, "code": {MUTATE: library_text(MUTATE)}})
    assert mine == frames
    _, mine = run("evolution", "run", {**every, "code": {SELECT: library_text(SELECT)}})
    assert mine == frames
    race = {"methods": ["gd", "adam"], "steps": "40"}
    _, frames = run("momentum-adam", "run", race)
    _, mine = run("momentum-adam", "run", {**race, "code": {ADAM: library_text(ADAM)}})
    assert mine == frames
    _, frames = run("gradient-descent", "train", {"steps": "30"})
    _, mine = run("gradient-descent", "train", {"steps": "30", "code": {STEP: library_text(STEP)}})
    assert mine == frames

    book = {"iterations": "3000", "regions_ms": 1e6}  # the maps in the first and last frames only
    _, frames = run("random-search", "race", book)
    _, mine = run("random-search", "race", {**book, "code": {TWEAK: library_text(TWEAK)}})
    assert mine == frames
    slope = {"f": "sin(x)", "x": "1", "delta": "0.001"}
    assert (call("derivatives", "evaluate", {**slope, "code": {FORWARD: library_text(FORWARD)}})
            == call("derivatives", "evaluate", slope))


def test_a_forward_difference_rewritten_as_the_central_one_gives_the_central_slope():
    central = ("def forward_difference(f, x, delta=1e-4):\n"
               "    x = validate.float_array('x', x)\n"
               "    plus, minus = x + delta, x - delta\n"
               "    return (f(plus) - f(minus)) / (plus - minus)\n")
    for x in ("1", "-2.5", "0.3"):
        slope = {"f": "sin(x)", "x": x, "delta": "0.001", "curves": False}
        mine = call("derivatives", "evaluate", {**slope, "code": {FORWARD: central}})["result"]["slope"]
        library = call("derivatives", "evaluate", slope)["result"]["slope"]
        assert mine["forward"] == library["central"] != library["forward"]
        assert mine["central"] == library["central"]


def test_a_selection_that_keeps_no_child_leaves_the_parent_where_it_started():
    never = "def select(losses, loss):\n    return -1\n"
    _, frames = run("evolution", "run", {"rounds": "12", "code": {SELECT: never}})
    start = call("evolution", "setup", {"rounds": "12"})["result"]["start"]["loss"]
    assert [f["loss"] for f in frames] == [start] * 12
    assert [f["stuck"] for f in frames] == list(range(1, 13))
    # the worst child every round: the loss of the kept child, never the parent's
    worst = "def select(losses, loss):\n    return int(np.argmax(losses))\n"
    _, frames = run("evolution", "run", {"rounds": "12", "code": {SELECT: worst}})
    assert frames[-1]["loss"] > start


@pytest.mark.parametrize("body, words", [
    ("return 20", "should return an integer from 0 to 19 (an index into `losses`) or -1 (keep the parent); yours returned a single number (20)"),
    ("return 1.0", "yours returned a single number (1.0)"),
    ("return losses < loss", "yours returned an array of shape (20,) of True/False values"),
])
def test_a_wrong_selection_says_what_an_index_is(body, words):
    out, _ = run("evolution", "run", {"rounds": "3", "code": {SELECT: f"def select(losses, loss):\n    {body}\n"}})
    assert words in code_error(out)["message"]


def test_a_doubled_tweak_is_the_library_at_twice_the_noise_and_random_search_is_untouched():
    doubled = library_text(TWEAK).replace("return best + scale * noise", "return best + 2 * scale * noise")
    assert doubled != library_text(TWEAK)
    book = {"iterations": "3000", "regions_ms": 1e6}
    _, mine = run("random-search", "race", {**book, "noise": "0.05", "code": {TWEAK: doubled}})
    _, twice = run("random-search", "race", {**book, "noise": "0.1"})
    _, once = run("random-search", "race", {**book, "noise": "0.05"})
    tweaked = [f["methods"]["tweak_and_keep"] for f in mine]
    assert tweaked == [f["methods"]["tweak_and_keep"] for f in twice]
    assert tweaked != [f["methods"]["tweak_and_keep"] for f in once]
    assert [f["methods"]["random_search"] for f in mine] == [f["methods"]["random_search"] for f in once]


PLAY = {"task": "vertical", "samples": "30", "width": "6", "steps": "15", "view_ms": 0,
        "r5_method": "yours", "r5_population": "8", "r2_method": "local_search", "r2_mutate": "all",
        "r2_population": "8", "r1_method": "off", "r3_method": "off", "r4_method": "off"}


def final_losses(frames) -> dict:
    return {slot: run["loss"] for slot, run in frames[-1]["runs"].items()}


def test_your_own_method_template_is_local_search_mutating_every_weight():
    """The playground's "your own" template, run as the library has it and as the reader's text,
    equals the library's local search (every weight mutated) drawing from the same generator."""
    s = pg.Setup({k: v for k, v in PLAY.items() if k != "view_ms"})
    reference = search.local_search(8, 0.05, mutate="all")
    alone = list(train.run(s.task_obj, reference, s.theta0, steps=15, rng=np.random.default_rng((0, 5)),
                           record_every=1))
    _, frames = run("playground", "race", PLAY)
    assert [f["runs"]["5"]["loss"] for f in frames] == [r["loss"] for r in alone]
    _, mine = run("playground", "race", {**PLAY, "code": {ASK: library_text(ASK), TELL: library_text(TELL)}})
    assert final_losses(mine) == final_losses(frames)


def test_your_own_ask_at_twice_the_noise_is_local_search_at_twice_sigma():
    doubled = library_text(ASK).replace("state.theta + state.sigma * noise", "state.theta + 2 * state.sigma * noise")
    assert doubled != library_text(ASK)
    _, mine = run("playground", "race", {**PLAY, "code": {ASK: doubled}})
    _, twice = run("playground", "race", {**PLAY, "r5_sigma": "0.1"})
    assert final_losses(mine)["5"] == final_losses(twice)["5"] != final_losses(mine)["2"]
    # a tell that keeps its memory: the state carries what the reader's method needs
    counting = ("def tell(state, population, losses):\n"
                "    state.memory['seen'] = state.memory.get('seen', 0) + len(losses)\n"
                "    return state._replace(step=state.step + 1)\n")
    _, frames = run("playground", "race", {**PLAY, "code": {TELL: counting}})
    assert {f["runs"]["5"]["loss"] for f in frames} == {frames[0]["runs"]["5"]["loss"]}  # never moves


GRADIENT_PLAY = {**PLAY, "r5_method": "yours_gradient", "r5_lr": "0.2", "r2_method": "sgd", "r2_lr": "0.2"}


def test_your_own_gradient_method_template_is_sgd_and_a_momentum_in_memory_is_torchs():
    _, frames = run("playground", "race", GRADIENT_PLAY)
    assert [f["runs"]["5"]["loss"] for f in frames] == [f["runs"]["2"]["loss"] for f in frames]
    _, mine = run("playground", "race", {**GRADIENT_PLAY, "code": {UPDATE: library_text(UPDATE)}})
    assert final_losses(mine) == final_losses(frames)
    momentum = ("def update(theta, grad, state):\n"
                "    b = state.memory.get('b')\n"
                "    b = grad.copy() if b is None else 0.9 * b + grad\n"
                "    state.memory['b'] = b\n"
                "    return theta - state.lr * b, state._replace(step=state.step + 1)\n")
    _, mine = run("playground", "race", {**GRADIENT_PLAY, "code": {UPDATE: momentum}})
    _, torch_like = run("playground", "race", {**GRADIENT_PLAY, "r2_momentum": "0.9"})
    assert [f["runs"]["5"]["loss"] for f in mine] == pytest.approx(
        [f["runs"]["2"]["loss"] for f in torch_like], rel=1e-12)
    # a schedule reaches the reader's update as state.lr
    decayed = {**GRADIENT_PLAY, "r5_schedule": "step_decay", "r5_step_size": "5", "r2_schedule": "step_decay",
               "r2_step_size": "5"}
    _, frames = run("playground", "race", decayed)
    assert [f["runs"]["5"]["loss"] for f in frames] == [f["runs"]["2"]["loss"] for f in frames]
    # and so do the batch size and the clipping (the same random batches: the same seed per run)
    batched = {**GRADIENT_PLAY, "r5_batch": "10", "r5_clip": "0.5", "r2_batch": "10", "r2_clip": "0.5"}
    _, frames = run("playground", "race", batched)
    _, plain = run("playground", "race", GRADIENT_PLAY)
    assert final_losses(frames)["5"] != final_losses(plain)["5"]
    s = pg.Setup({k: v for k, v in batched.items() if k != "view_ms"})
    alone = list(train.run(s.task_obj, optim.clipped(optim.sgd(0.2), 0.5), s.theta0, steps=15, batch_size=10,
                           rng=np.random.default_rng((0, 5)), record_every=1))
    assert [f["runs"]["5"]["loss"] for f in frames] == [r["loss"] for r in alone]


@pytest.mark.parametrize("name, text, words", [
    (UPDATE, "def update(theta, grad, state):\n    return theta - grad\n",
     "should return two things, (theta, state); yours returned ndarray"),
    (UPDATE, "def update(theta, grad, state):\n    return grad[:3], state\n",
     "should return (theta, state) with `theta` an array of shape (39,) of numbers; yours has an array of shape (3,)"),
    (UPDATE, "def update(theta, grad, state):\n    return theta, 0\n",
     "should return (theta, state) with `state` a GradientState"),
    (ASK, "def ask(state, rng, size):\n    return state.theta\n",
     "should return an array of shape (8, 39) of numbers (one row per candidate, as long as `state.theta`)"),
    (TELL, "def tell(state, population, losses):\n    return population[0]\n",
     "should return a State (for example `state._replace(theta=..., loss=...)`); yours returned ndarray"),
    (TELL, "def tell(state, population, losses):\n    return state._replace(theta=population)\n",
     "should return a State whose `theta` is an array of shape (39,) of numbers; yours has an array of shape (8, 39)"),
    (TELL, "def tell(state, population, losses):\n    return state._replace(loss='low')\n",
     "should return a State whose `loss` is a number; yours has str"),
])
def test_a_wrong_answer_of_your_own_method_says_what_was_expected(name, text, words):
    out, _ = run("playground", "race", {**(GRADIENT_PLAY if name == UPDATE else PLAY), "code": {name: text}})
    assert words in code_error(out)["message"]


def test_adam_whose_direction_is_the_gradient_is_gradient_descent():
    plain = ("def adam_direction(grad, m, v, t, b1, b2, eps):\n"
             "    return grad, m, v\n")
    race = {"methods": ["gd", "adam"], "steps": "60", "gd_lr": "0.01", "adam_lr": "0.01"}
    _, frames = run("momentum-adam", "run", {**race, "code": {ADAM: plain}})
    assert [f["points"]["adam"] for f in frames] == [f["points"]["gd"] for f in frames]
    _, library = run("momentum-adam", "run", race)
    assert library[-1]["points"]["adam"] != library[-1]["points"]["gd"]


def test_a_doubled_descent_step_is_the_library_at_twice_the_learning_rate():
    doubled = library_text(STEP).replace("return -lr * grad", "return -2 * lr * grad")
    assert doubled != library_text(STEP)
    _, mine = run("gradient-descent", "train", {"steps": "30", "lr": "0.05", "code": {STEP: doubled}})
    _, twice = run("gradient-descent", "train", {"steps": "30", "lr": "0.1"})
    assert [f["loss"] for f in mine] == [f["loss"] for f in twice]


@pytest.mark.parametrize("body, words", [
    ("return grad", "should return 3 arrays (direction, m, v), each of the shape of `grad`; yours returned an array"),
    ("return grad, m", "should return 3 arrays (direction, m, v), each of the shape of `grad`; yours returned a tuple of 2"),
    ("return grad, m, v[:1]", "should return (direction, m, v): its `v` should be an array of shape (2,)"),
])
def test_a_wrong_adam_answer_says_which_part_is_wrong(body, words):
    text = f"def adam_direction(grad, m, v, t, b1, b2, eps):\n    {body}\n"
    out, _ = run("momentum-adam", "run", {"methods": ["adam"], "steps": "5", "code": {ADAM: text}})
    error = code_error(out)
    assert words in error["message"], error["message"]
    assert error["function"] == "adam_direction"


def test_doubled_mutation_noise_is_the_library_run_at_twice_the_rate():
    doubled = library_text(MUTATE).replace("sigma * rng.standard_normal", "2 * sigma * rng.standard_normal")
    assert doubled.count("2 * sigma") == 3  # every way of mutating
    _, mine = run("evolution", "run", {"rounds": "20", "mutation_rate": "0.05", "code": {MUTATE: doubled}})
    _, twice = run("evolution", "run", {"rounds": "20", "mutation_rate": "0.1"})
    _, once = run("evolution", "run", {"rounds": "20", "mutation_rate": "0.05"})
    losses = [f["loss"] for f in mine]
    assert losses == [f["loss"] for f in twice]
    assert losses != [f["loss"] for f in once]


def test_an_acceptance_that_keeps_everything_keeps_every_mutation():
    keep_all = "def metropolis_accept(delta, beta, uniform):\n    return np.ones(np.shape(delta), dtype=bool)\n"
    _, frames = run("neuroevolution", "run", {**SHORT, "code": {ACCEPT: keep_all}})
    assert frames[-1]["accepted"] == 1.0
    _, library = run("neuroevolution", "run", SHORT)
    assert library[-1]["accepted"] < 1.0
    # setup measures one step with the acceptance too
    assert call("neuroevolution", "setup", {**SHORT, "code": {ACCEPT: keep_all}})["result"]["step"]["accepted"] == 1.0


@pytest.mark.parametrize("text, line, words", [
    ("def metropolis_accept(delta, beta, uniform):\n    return delta <=\n", 2, "Syntax error on line 2"),
    ("def metropolis_accept(delta, beta, uniform):\n    x = 1\n    return x / 0\n", 3, "ZeroDivisionError"),
    ("def metropolis_accept(delta, beta, uniform):\n    return accepted\n", 2, "NameError"),
    ("def metropolis_accept(delta, beta, uniform):\n    return float(delta[0]) < 0\n", 1,
     "should return an array of shape (20,) of True/False values (the shape of `delta`); yours returned a single"),
    ("def metropolis_accept(delta, beta, uniform):\n    delta <= 0\n", 1, "yours returned None (did the function forget to return?)"),
    ("def metropolis_accept(delta, beta):\n    return delta <= 0\n", 1, "must take the arguments (delta, beta, uniform); yours takes (delta, beta)"),
    ("def accept(delta, beta, uniform):\n    return delta <= 0\n", 1, "must define a function called `metropolis_accept`"),
    ("import nothing_of_that_name\n", 1, "ModuleNotFoundError"),
])
def test_errors_name_the_line_of_the_reader_code(text, line, words):
    out, _ = run("neuroevolution", "run", {**SHORT, "code": {ACCEPT: text}})
    error = code_error(out)
    assert words in error["message"]
    assert error["line"] == line
    assert error["function"] == "metropolis_accept"


def test_an_error_deep_in_a_run_is_reported_with_the_frames_before_it():
    late = ("def metropolis_accept(delta, beta, uniform):\n"
            "    metropolis_accept.calls = getattr(metropolis_accept, 'calls', 0) + 1\n"
            "    if metropolis_accept.calls > 30:\n"
            "        raise RuntimeError('enough')\n"
            "    return np.asarray(delta) <= 0.0\n")
    out, frames = run("neuroevolution", "run", {**SHORT, "code": {ACCEPT: late}}, max_frames=1)
    assert code_error(out)["line"] == 4 and "RuntimeError: enough" in out["error"]["message"]
    assert len(frames) >= 1


def test_only_the_demo_editable_functions_are_taken():
    error = code_error(call("neuroevolution", "setup", {"code": {MUTATE: library_text(MUTATE)}}))
    assert "cannot be rewritten in this demo" in error["message"] and ACCEPT in error["message"]
    assert "must map" in code_error(call("neuroevolution", "setup", {"code": "x"}))["message"]
    assert "must be text" in code_error(call("neuroevolution", "setup", {"code": {ACCEPT: 3}}))["message"]
    long = "def metropolis_accept(delta, beta, uniform):\n" + "    pass\n" * 5000
    assert "at most 20,000" in code_error(call("neuroevolution", "setup", {"code": {ACCEPT: long}}))["message"]


def test_the_source_marks_what_is_editable():
    entries = call("neuroevolution", "source", {})["result"]
    assert {e["key"]: e["editable"] for e in entries} == {ACCEPT: True, "search:metropolis": False}
    assert [e["key"] for e in call("evolution", "source", {})["result"] if e["editable"]] == [MUTATE, SELECT]
    assert not any(e["editable"] for e in call("landscape", "source", {})["result"])


def test_shape_of_describes_answers_in_words():
    assert usercode.shape_of(np.zeros((2, 3))) == "an array of shape (2, 3) of floats"
    assert usercode.shape_of(np.zeros(4, dtype=bool)) == "an array of shape (4,) of True/False values"
    assert usercode.shape_of(True) == "a single True/False (True)"
    assert usercode.shape_of([1, 2]) == "a list of 2 items"
