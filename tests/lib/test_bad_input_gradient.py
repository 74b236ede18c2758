"""Property-based bad input for the gradient side: only ValueError or TypeError, never another.

Hypothesis draws shapes, dtypes and values (NaN, inf, huge, empty, strings, ragged lists),
layer sizes, names and hyper-parameters, and calls the public functions with them. A call may
succeed; if it fails, the error must be a ValueError or TypeError whose message names what was
wrong (checked on the argument errors that carry `.arg`).
"""

import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explainer_core import activations, datasets, expr, losses, nets, optim, schedules, train

SETTINGS = settings(
    max_examples=120, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)

floats = st.floats(allow_nan=True, allow_infinity=True, width=64)
scalars = st.one_of(
    floats,
    st.integers(-(10**20), 10**20),
    st.booleans(),
    st.none(),
    st.text(max_size=5),
    st.just([1.0, 2.0]),
)


@st.composite
def arrays(draw, max_dims=3, max_side=5):
    """Arrays of any small shape and dtype, or lists that are not arrays at all."""
    kind = draw(
        st.sampled_from(["float", "int", "bool", "complex", "str", "object", "ragged", "scalar"])
    )
    shape = tuple(draw(st.lists(st.integers(0, max_side), min_size=0, max_size=max_dims)))
    size = int(np.prod(shape)) if shape else 1
    if kind == "float":
        values = draw(st.lists(st.one_of(floats, st.floats(-3, 3)), min_size=size, max_size=size))
        return np.array(values, dtype=np.float64).reshape(shape)
    if kind == "int":
        values = draw(st.lists(st.integers(-5, 5), min_size=size, max_size=size))
        return np.array(values, dtype=np.int64).reshape(shape)
    if kind == "bool":
        return np.zeros(shape, dtype=bool)
    if kind == "complex":
        return np.ones(shape, dtype=complex)
    if kind == "str":
        return np.full(shape, "a")
    if kind == "object":
        return np.array([None, 1.0], dtype=object)
    if kind == "ragged":
        return [[1.0, 2.0], [3.0]]
    return draw(scalars)


names = st.one_of(
    st.sampled_from(sorted(activations.ACTIVATIONS)), st.text(max_size=8), st.none(), st.integers()
)
loss_names = st.one_of(st.sampled_from(sorted(losses.LOSSES)), st.text(max_size=8), st.none())
layer_sizes = st.one_of(
    st.lists(st.integers(1, 6), min_size=2, max_size=4),
    st.lists(st.one_of(st.integers(-3, 7), st.floats(-2, 7), st.text(max_size=2)), max_size=4),
    st.just("2-3-1"),
    st.none(),
    st.integers(),
)


def only_value_or_type_errors(call):
    """Run `call`; return normally or raise the ValueError/TypeError it raised, nothing else."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # overflow to inf is a value, not an error
        try:
            call()
        except (ValueError, TypeError) as error:
            assert str(error), "an argument error must say what is wrong"
            arg = getattr(error, "arg", None)
            if arg is not None:
                assert arg in str(error)


@SETTINGS
@given(layer_sizes, arrays(), arrays(), names, names)
def test_forward(sizes, theta, X, activation, output_activation):
    only_value_or_type_errors(lambda: nets.forward(theta, sizes, X, activation, output_activation))


@SETTINGS
@given(st.lists(st.integers(1, 5), min_size=2, max_size=4), arrays(), arrays(), names)
def test_forward_population(sizes, thetas, X, activation):
    only_value_or_type_errors(lambda: nets.forward_population(thetas, sizes, X, activation))


@st.composite
def almost_valid_problem(draw):
    """A valid network problem with one part possibly broken: what a typo in a form gives."""
    sizes = draw(st.lists(st.integers(1, 5), min_size=2, max_size=4))
    n = draw(st.integers(1, 6))
    D = nets.param_count(sizes)
    theta = np.array(draw(st.lists(st.floats(-1e3, 1e3), min_size=D, max_size=D)))
    X = np.array(
        draw(st.lists(st.floats(-1e3, 1e3), min_size=n * sizes[0], max_size=n * sizes[0]))
    ).reshape(n, sizes[0])
    y = np.array(draw(st.lists(st.integers(0, sizes[-1] - 1), min_size=n, max_size=n)))
    broken = draw(st.sampled_from(["none", "theta", "X", "y", "loss", "activation"]))
    loss = draw(st.sampled_from(sorted(losses.LOSSES)))
    activation = draw(st.sampled_from(sorted(activations.ACTIVATIONS)))
    if broken == "theta":
        theta = draw(arrays())
    elif broken == "X":
        X = draw(arrays())
    elif broken == "y":
        y = draw(arrays())
    elif broken == "loss":
        loss = draw(loss_names)
    elif broken == "activation":
        activation = draw(names)
    return sizes, theta, X, y, loss, activation


@SETTINGS
@given(almost_valid_problem())
def test_loss_and_grad(problem):
    sizes, theta, X, y, loss, activation = problem
    only_value_or_type_errors(
        lambda: nets.loss_and_grad(theta, sizes, X, y, loss=loss, activation=activation)
    )


@SETTINGS
@given(almost_valid_problem(), st.one_of(st.floats(), st.integers(-3, 3), st.text(max_size=3)))
def test_numerical_gradient(problem, delta):
    from explainer_core import numdiff

    sizes, theta, X, y, loss, activation = problem
    only_value_or_type_errors(
        lambda: numdiff.network_numerical_gradient(
            theta, sizes, X, y, loss=loss, activation=activation, delta=delta
        )
    )


@SETTINGS
@given(loss_names, arrays(max_dims=4), arrays())
def test_losses(name, pred, y):
    only_value_or_type_errors(lambda: losses.value_and_grad(name, pred, y))
    only_value_or_type_errors(lambda: losses.accuracy(pred, y))


@SETTINGS
@given(scalars, scalars, scalars, scalars, scalars)
def test_optimizer_settings(lr, a, b, c, d):
    only_value_or_type_errors(
        lambda: optim.sgd(lr, momentum=a, dampening=b, nesterov=c, weight_decay=d)
    )
    only_value_or_type_errors(lambda: optim.adam(lr, b1=a, b2=b, eps=c, weight_decay=d))
    only_value_or_type_errors(lambda: optim.normalized_gd(lr))
    only_value_or_type_errors(lambda: optim.clip_by_norm(np.ones(3), lr))
    only_value_or_type_errors(lambda: schedules.step_decay(lr, a, b))
    only_value_or_type_errors(lambda: schedules.inverse_time(lr, a))
    only_value_or_type_errors(lambda: schedules.cosine(lr, a, b))


def test_negative_learning_rate_message():
    with pytest.raises(ValueError) as info:
        optim.adam(-1)
    assert info.value.arg == "lr" and "[0, 1e+06]" in str(info.value)


@SETTINGS
@given(scalars, scalars, st.sampled_from(["spiral", "vertical", "sine"]))
def test_datasets(samples, classes, which):
    rng = np.random.default_rng(0)
    if which == "spiral":
        only_value_or_type_errors(lambda: datasets.spiral_data(samples, classes, rng))
    elif which == "vertical":
        only_value_or_type_errors(lambda: datasets.vertical_data(samples, classes, rng))
    else:
        only_value_or_type_errors(lambda: datasets.sine_data(samples))


tokens = st.sampled_from(
    [
        "x",
        "y",
        "pi",
        "e",
        "1",
        "2.5",
        "1e308",
        "-",
        "+",
        "*",
        "/",
        "**",
        "^",
        "(",
        ")",
        ",",
        "sin(",
        "log(",
        "exp(",
        "sqrt(",
        "abs(",
        ".",
        "__",
        "import",
        "'",
        "[",
        "]",
        "lambda",
        ":",
        "=",
        " ",
    ]
)


@SETTINGS
@given(
    st.one_of(
        st.text(max_size=40), st.lists(tokens, max_size=30).map("".join), st.integers(), st.none()
    ),
    st.floats(-1e3, 1e3) | st.just(math.inf),
)
def test_expressions(text, lo):
    def call():
        f = datasets.target_function(text)
        f(np.array([lo, 0.5]))
        datasets.regression_data(text, 5, -1.0, 1.0)

    only_value_or_type_errors(call)
    only_value_or_type_errors(lambda: expr.compile_expression(text, ("x", "y")))


@SETTINGS
@given(scalars, scalars, scalars, scalars)
def test_training_driver(steps, batch_size, record_every, theta_dims):
    X, y = datasets.sine_data(16)
    task = train.network_task([1, 3, 1], X, y)

    def call():
        for _ in train.run(
            task,
            optim.sgd(0.1),
            np.zeros(10),
            steps=steps,
            batch_size=batch_size,
            record_every=record_every,
            theta_dims=theta_dims,
            rng=np.random.default_rng(0),
        ):
            pass

    if isinstance(steps, int) and not isinstance(steps, bool) and steps > 50:
        steps = 50
    only_value_or_type_errors(call)
