"""Bugs the demo fuzzer (tests/browser/test_fuzz_demos.py) and its CPython probes found in the
demos' Python, each pinned here: a sentence the page shows never carries Python's spelling of a
non-finite number ("inf", "nan") or JavaScript's ("NaN", "Infinity")."""

import math
import re

from explainer_core.demos import real_landscapes as race_demo
from tests.demos import _demo_client as demo_client

RAW = re.compile(r"(?<![\w.])(?:nan|NaN|-?inf|Infinity|None|null)\b")


def test_a_step_whose_loss_overflows_says_so_in_words():
    # Pressing "Gradient step" again and again with ReLU and the largest learning rate: the
    # parameters grow about a hundredfold per step until the loss overflows (step 81 from (3, 3)).
    a, b, message = 3.0, 3.0, None
    for _ in range(200):
        answer = demo_client.call("landscape", "step", {
            "a": a, "b": b, "method": "gradient", "lr": "100", "activation": "relu", "loss": "mse"})
        assert answer["ok"], answer
        result = answer["result"]
        message = result["message"]
        assert result["outcome"] in ("diverging", "diverged")
        assert not RAW.search(message), message
        if result["loss"] is None:
            break
        a, b = result["a"], result["b"]
    assert result["loss"] is None, "the loss never overflowed: the reproduction no longer applies"
    assert "the loss became infinity" in message


def test_a_race_method_whose_loss_becomes_nan_says_so_in_words(monkeypatch):
    def records():
        yield {"step": 0, "loss": 1.0, "forward_passes": 1, "backward_passes": 1}
        yield {"step": 1, "loss": math.nan, "forward_passes": 2, "backward_passes": 2}

    monkeypatch.setattr(race_demo, "race_runs", lambda **settings: [("gradient descent", records())])
    frames = list(race_demo.run(task="sine", steps="2"))
    diverged = [frame for frame in frames if "diverged" in frame]
    assert len(diverged) == 1
    message = diverged[0]["message"]
    assert message.startswith("gradient descent diverged at step 1: its loss became not a number.")
    assert not RAW.search(message), message
    assert frames[-1]["message"] == "Every method diverged: lower the learning-rate scale."
