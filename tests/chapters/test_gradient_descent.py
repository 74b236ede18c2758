"""The chapter module of "Gradient descent" against independent references: the chain-rule
table against finite differences and nets' backprop, the training runs against a hand-written
SGD loop, the compute counts against their closed forms."""

import math

import numpy as np
import pytest

from explainer_core import losses, nets, validate
from explainer_core.chapters import gradient_descent as chapter


@pytest.mark.parametrize("theta, example", [
    (chapter.TABLE_THETA, chapter.TABLE_EXAMPLE),
    ((1.5, -2.0, 0.3, 0.9, -0.4, 0.7, -1.1, 2.2, 0.3), (-0.8, 2.0, -1.0)),
    ((0.0,) * 9, (0.5, 0.5, 1.0)),
])
def test_every_product_of_the_table_is_the_derivative(theta, example):
    x1, x2, y = example
    table = chapter.backprop_table(theta, x1, x2, y)
    numerical = chapter.table_numerical_gradient(theta, x1, x2, y)
    library = chapter.table_backprop_gradient(theta, x1, x2, y)
    for k, row in enumerate(table["rows"]):
        assert row["product"] == pytest.approx(numerical[k], abs=1e-8), row["name"]
        assert row["product"] == pytest.approx(library[k], rel=1e-12, abs=1e-15), row["name"]
        assert row["product"] == pytest.approx(math.prod(v for _, v in row["factors"]))


def test_forward_values_match_the_network():
    theta = np.array(chapter.TABLE_THETA)
    x1, x2, y = chapter.TABLE_EXAMPLE
    table = chapter.backprop_table(theta, x1, x2, y)
    out = nets.forward(theta, chapter.TABLE_SIZES, np.array([[x1, x2]]), "tanh")
    assert table["forward"]["y_hat"] == pytest.approx(out[0, 0], rel=1e-14)
    assert table["forward"]["loss"] == pytest.approx(float(losses.mse(out, np.array([[y]]))))
    # local derivatives: tanh' = 1 - tanh², checked by a central difference of tanh itself
    z1 = table["forward"]["z1"]
    slope = (math.tanh(z1 + 1e-6) - math.tanh(z1 - 1e-6)) / 2e-6
    assert table["local"]["dh1_dz1"] == pytest.approx(slope, rel=1e-8)


def test_table_rejects_bad_input():
    with pytest.raises(validate.ArgumentValueError) as caught:
        chapter.backprop_table(chapter.TABLE_THETA, "two", 0.0, 0.0)
    assert caught.value.arg == "x₁"
    with pytest.raises(validate.ArgumentValueError):
        chapter.backprop_table((1.0, 2.0), 0.0, 0.0, 0.0)


def test_training_run_is_plain_sgd():
    """Full-batch runs equal theta <- theta - lr · grad written out by hand."""
    train_task, test_task = chapter.tasks()
    theta = chapter.start(3)
    d = chapter.data()
    records = list(chapter.training_run(lr=0.05, steps=5, seed=3))
    for record in records:
        loss, grad = nets.loss_and_grad(theta, chapter.SIZES, d["x_train"], d["y_train"],
                                        "mse", "tanh")
        assert record["loss"] == pytest.approx(loss, rel=1e-12)
        test = float(losses.mse(nets.forward(theta, chapter.SIZES, d["x_test"], "tanh"),
                                d["y_test"]))
        assert record["test_loss"] == pytest.approx(test, rel=1e-12)
        theta = theta - 0.05 * grad


def test_minibatch_run_sees_each_example_once_per_epoch():
    records = list(chapter.training_run(lr=0.1, batch_size=16, steps=8, seed=0))
    assert records[4]["forward_passes"] == 64 and records[4]["epoch"] == 1
    assert records[-1]["compute"] == 3 * 16 * 8


def test_data_split_is_disjoint_and_noisy():
    d = chapter.data()
    assert d["x_train"].shape == (chapter.N_TRAIN, 1) and d["x_test"].shape == (chapter.N_TEST, 1)
    assert not set(d["x_train"].ravel()) & set(d["x_test"].ravel())
    residual = np.concatenate([d["y_train"] - np.sin(d["x_train"]),
                               d["y_test"] - np.sin(d["x_test"])])
    assert residual.std() == pytest.approx(chapter.NOISE, rel=0.25)


def test_step_cost_closed_form():
    for b in chapter.BATCH_SIZES:
        assert chapter.step_cost(b, "forward") == b
        assert chapter.step_cost(b, "backward") == b
        assert chapter.step_cost(b) == 3 * b
    assert chapter.step_cost(4, "steps_per_epoch") == 16
    assert chapter.numerical_gradient_cost() == 18
    assert chapter.equal_compute() == 3 * 64 * 400


def test_bad_settings_name_their_field():
    for kwargs, arg in (({"lr": -1}, "learning rate"), ({"batch_size": 0}, "batch size"),
                        ({"batch_size": 65}, "batch size")):
        with pytest.raises(validate.ArgumentValueError) as caught:
            list(chapter.training_run(**kwargs))
        assert caught.value.arg == arg
