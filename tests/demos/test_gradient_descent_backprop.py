"""The JSON entry points of the "gradient-descent-backprop" demo, bad input included."""

import numpy as np
import pytest

from explainer_core.chapters import gradient_descent as chapter
from tests.demos import _demo_client as demo_client


def call(name, **args):
    return demo_client.call("gradient-descent-backprop", name, args)


def test_setup_lists_every_field_and_the_default_table():
    out = call("setup")
    assert out["ok"]
    result = out["result"]
    assert set(result["fields"]) == set(chapter.PARAM_NAMES) | {"x1", "x2", "y", "lr"}
    assert [r["product"] for r in result["table"]["rows"]] == list(chapter.backprop_table()["gradient"])
    assert result["table"]["numerical_cost"] == 18


def test_table_is_the_chain_rule_written_out():
    """Each row's product is the product of its factors, and equals the central difference."""
    out = call("table", w12="-1.5", x2="2", y="-0.3")["result"]
    for row in out["rows"]:
        assert row["product"] == pytest.approx(np.prod([v for _, v in row["factors"]]), rel=1e-15)
        assert row["product"] == pytest.approx(row["numerical"], abs=1e-8)
    f = out["forward"]
    assert f["loss"] == pytest.approx((f["y_hat"] + 0.3) ** 2)


def test_a_step_moves_each_parameter_against_its_slope():
    out = call("step", lr="0.5", v1="2")["result"]
    theta = list(chapter.TABLE_THETA)
    theta[6] = 2.0
    table = chapter.backprop_table(theta)
    for k, name in enumerate(chapter.PARAM_NAMES):
        assert out["params"][name] == theta[k] - 0.5 * table["gradient"][k]
    assert out["loss_before"] == table["forward"]["loss"]


def test_a_step_clamps_to_the_fields_range():
    out = call("step", lr="10", w11="9.99", x1="10", y="10", v1="10")["result"]
    assert all(-10 <= v <= 10 for v in out["params"].values())


@pytest.mark.parametrize("method, args, arg, words", [
    ("table", {"w11": "abc"}, "w₁₁", "number"),
    ("table", {"x1": "1e999"}, "x₁", ""),
    ("table", {"c": "11"}, "c", ""),
    ("table", {"nonsense": "1"}, "settings", "unknown"),
    ("step", {"lr": "-0.1"}, "step size η", "above 0"),
    ("step", {"lr": "0"}, "step size η", "above 0"),
    ("step", {"lr": "11"}, "step size η", "at most 10"),
    ("step", {"lr": "0.1", "v2": ""}, "v₂", ""),
])
def test_bad_input_names_its_field(method, args, arg, words):
    out = call(method, **args)
    assert not out["ok"]
    assert out["error"]["arg"] == arg
    assert words in out["error"]["message"]
