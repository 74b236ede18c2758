"""Chapter "Gradient descent": the slope, computed by backprop, and how to walk down it.

Three experiments, all on networks of `nets` trained by `optim.sgd` through the `train` driver:

1. **Backprop, step by step** (`backprop_table`): a 2-2-1 network (two inputs, two tanh hidden
   units, one linear output) and the squared error of one example,

       z_j = x_1 w_1j + x_2 w_2j + b_j,   h_j = tanh(z_j),   y_hat = h_1 v_1 + h_2 v_2 + c,
       L = (y_hat - y)^2,

   every forward value, every local derivative and every product of the chain rule, e.g.
   dL/dw_ij = dL/dy_hat · dy_hat/dh_j · dh_j/dz_j · dz_j/dw_ij
            = 2 (y_hat - y) · v_j · (1 - h_j^2) · x_i.

2. **The learning rate** (`lr_run`): a 1-16-1 tanh network fitted to noisy sin(x) by full-batch
   gradient descent, theta <- theta - lr · dL/dtheta, at learning rates over four orders of
   magnitude.

3. **Mini-batches** (`batch_run`): the same network with each step's gradient computed on B
   examples of the training set (reshuffled each epoch), measured on the whole training set and
   on a held-out test set, over several seeds; at equal steps or at equal compute
   (`train.compute`: forward passes + 2 × backward passes).
"""

from __future__ import annotations

import math

import numpy as np

from .. import datasets, nets, numdiff, optim, train, validate

# ---- 1. backprop, step by step ---------------------------------------------------------------

TABLE_SIZES = (2, 2, 1)
# theta in nets' layout [W_1 (2x2, row-major: w_11, w_12, w_21, w_22), b_1, W_2 (v_1, v_2), c]
PARAM_NAMES = ("w11", "w12", "w21", "w22", "b1", "b2", "v1", "v2", "c")
PARAM_LABELS = ("w₁₁", "w₁₂", "w₂₁", "w₂₂", "b₁", "b₂", "v₁", "v₂", "c")
TABLE_THETA = (0.5, -0.3, 0.8, 0.2, 0.1, -0.1, 1.2, -0.7, 0.05)
TABLE_EXAMPLE = (1.0, -0.5, 1.0)  # x_1, x_2, y


def backprop_table(theta=TABLE_THETA, x1: float = TABLE_EXAMPLE[0], x2: float = TABLE_EXAMPLE[1],
                   y: float = TABLE_EXAMPLE[2]) -> dict:
    """The chain rule of the 2-2-1 network on one example, every number written out.

    Returns {"forward": {z1, z2, h1, h2, y_hat, loss}, "local": {dL_dyhat, dyhat_dh1, dyhat_dh2,
    dh1_dz1, dh2_dz2, and dz_j/d(parameter) = x_i or 1, dyhat/dv_j = h_j, dyhat/dc = 1},
    "rows": one per parameter {name, label, factors [(label, value)], product}, "gradient"
    (9,) the products in nets' layout}.
    """
    theta = validate.float_array("theta", theta, ndim=1)
    if theta.shape != (9,):
        raise validate.ArgumentValueError("theta", f"theta must have 9 numbers, got {theta.size}")
    x1, x2, y = (validate.real_number(n, v) for n, v in (("x₁", x1), ("x₂", x2), ("y", y)))
    w11, w12, w21, w22, b1, b2, v1, v2, c = (float(t) for t in theta)
    z1 = x1 * w11 + x2 * w21 + b1
    z2 = x1 * w12 + x2 * w22 + b2
    h1, h2 = math.tanh(z1), math.tanh(z2)
    y_hat = h1 * v1 + h2 * v2 + c
    loss = (y_hat - y) ** 2
    dL_dyhat = 2.0 * (y_hat - y)
    dh1_dz1, dh2_dz2 = 1.0 - h1 * h1, 1.0 - h2 * h2
    local = {"dL_dyhat": dL_dyhat, "dyhat_dh1": v1, "dyhat_dh2": v2,
             "dh1_dz1": dh1_dz1, "dh2_dz2": dh2_dz2}
    up1 = (("∂L/∂ŷ", dL_dyhat), ("∂ŷ/∂h₁", v1), ("∂h₁/∂z₁", dh1_dz1))
    up2 = (("∂L/∂ŷ", dL_dyhat), ("∂ŷ/∂h₂", v2), ("∂h₂/∂z₂", dh2_dz2))
    factors = {
        "w11": up1 + (("∂z₁/∂w₁₁ = x₁", x1),),
        "w12": up2 + (("∂z₂/∂w₁₂ = x₁", x1),),
        "w21": up1 + (("∂z₁/∂w₂₁ = x₂", x2),),
        "w22": up2 + (("∂z₂/∂w₂₂ = x₂", x2),),
        "b1": up1 + (("∂z₁/∂b₁ = 1", 1.0),),
        "b2": up2 + (("∂z₂/∂b₂ = 1", 1.0),),
        "v1": (("∂L/∂ŷ", dL_dyhat), ("∂ŷ/∂v₁ = h₁", h1)),
        "v2": (("∂L/∂ŷ", dL_dyhat), ("∂ŷ/∂v₂ = h₂", h2)),
        "c": (("∂L/∂ŷ", dL_dyhat), ("∂ŷ/∂c = 1", 1.0)),
    }
    rows = []
    for name, label in zip(PARAM_NAMES, PARAM_LABELS):
        product = math.prod(value for _, value in factors[name])
        rows.append({"name": name, "label": label,
                     "factors": [[text, value] for text, value in factors[name]],
                     "product": product})
    return {"forward": {"z1": z1, "z2": z2, "h1": h1, "h2": h2, "y_hat": y_hat, "loss": loss},
            "local": local, "rows": rows,
            "gradient": np.array([r["product"] for r in rows])}


def table_backprop_gradient(theta=TABLE_THETA, x1=TABLE_EXAMPLE[0], x2=TABLE_EXAMPLE[1],
                            y=TABLE_EXAMPLE[2]) -> np.ndarray:
    """The same gradient by `nets` backprop (the library's, not the table's arithmetic)."""
    _, grad = nets.loss_and_grad(np.asarray(theta, float), TABLE_SIZES, np.array([[x1, x2]]),
                                 np.array([[y]]), "mse", "tanh")
    return grad


def table_numerical_gradient(theta=TABLE_THETA, x1=TABLE_EXAMPLE[0], x2=TABLE_EXAMPLE[1],
                             y=TABLE_EXAMPLE[2], delta: float = 1e-5) -> np.ndarray:
    """The same gradient by central differences (chapter "Slopes"): 2 × 9 forward passes."""
    return numdiff.network_numerical_gradient(
        np.asarray(theta, float), TABLE_SIZES, np.array([[x1, x2]]), np.array([[y]]), "mse",
        "tanh", delta=delta).grad


def table_value(part: str, name: str) -> float:
    """One number of the default table, for the text: part "forward" or "local", or "product"
    (name = a parameter)."""
    table = backprop_table()
    if part == "product":
        return float(table["gradient"][PARAM_NAMES.index(name)])
    return float(table[validate.choice("part", part, ("forward", "local"))][name])


def table_largest_gap() -> float:
    """The largest |backprop product - central difference| over the nine parameters."""
    return float(np.max(np.abs(backprop_table()["gradient"] - table_numerical_gradient())))


# ---- 2 and 3. training a small network -----------------------------------------------------

SIZES = (1, 16, 1)
N_TRAIN, N_TEST = 64, 64
NOISE = 0.2
DATA_SEED = 2024
LR_STEPS = 300
BATCH_SIZES = (1, 4, 16, 64)
BATCH_STEPS = 400
SEEDS = (0, 1, 2, 3, 4)
SEED_COUNT = len(SEEDS)


def data() -> dict:
    """Noisy sin(x) at N_TRAIN + N_TEST evenly spaced x in [-π, π], split at random (fixed
    DATA_SEED) into a training set and a held-out test set: {x_train, y_train, x_test, y_test}."""
    rng = np.random.default_rng(DATA_SEED)
    X, Y = datasets.regression_data("sin", N_TRAIN + N_TEST, noise=NOISE, rng=rng)
    order = rng.permutation(N_TRAIN + N_TEST)
    train_rows, test_rows = np.sort(order[:N_TRAIN]), np.sort(order[N_TRAIN:])
    return {"x_train": X[train_rows], "y_train": Y[train_rows],
            "x_test": X[test_rows], "y_test": Y[test_rows]}


def tasks() -> tuple[train.Task, train.Task]:
    """(training task, test task) of the 1-16-1 tanh network with MSE."""
    d = data()
    return (train.network_task(SIZES, d["x_train"], d["y_train"], "mse", "tanh"),
            train.network_task(SIZES, d["x_test"], d["y_test"], "mse", "tanh"))


def start(seed: int = 0) -> np.ndarray:
    """The random starting point of a run: Xavier weights, zero biases, from `seed`."""
    return nets.init_params(SIZES, validate.rng_from_seed(seed), "xavier")


def training_run(lr: float = 0.1, batch_size: int = N_TRAIN, steps: int = LR_STEPS,
                 seed: int = 0, max_compute: int | None = None, record_every: int = 1):
    """Records of SGD (learning rate `lr`, batches of `batch_size`) from `start(seed)`; the
    batches are shuffled with Generator(seed + 1). Each record adds `test_loss` and `compute`.
    `max_compute` stops before a step that would spend more (compute = 3 × examples seen)."""
    lr = validate.positive("learning rate", lr, 1e6)
    batch_size = validate.integer_in_range("batch size", batch_size, 1, N_TRAIN)
    steps = validate.integer_in_range("steps", steps, 0, 10**6)
    seed = validate.seed(seed)
    budget = None
    if max_compute is not None:  # forward passes of a gradient step are a third of its compute
        budget = validate.integer_in_range("max_compute", max_compute, 1, 10**12) \
            // (1 + train.BACKWARD_COST)
    return _run(tasks()[0], lr, batch_size, steps, seed, budget, record_every)


def _run(train_task, lr, batch_size, steps, seed, budget, record_every):
    """train.run, with each record's test loss measured at its parameters."""
    _, test_task = tasks()
    theta = start(seed)
    dim = train_task.dimension
    for record in train.run(train_task, optim.sgd(lr), theta, steps=steps, batch_size=batch_size,
                            rng=np.random.default_rng(seed + 1), record_every=record_every,
                            theta_dims=dim, max_forward_passes=budget):
        params = np.asarray(record["theta"])
        if record["diverged"] or not np.all(np.isfinite(params)):
            record["test_loss"] = math.nan
        else:
            with np.errstate(over="ignore", invalid="ignore"):
                record["test_loss"] = float(test_task.evaluate(params)[0])
        record["compute"] = train.compute(record["forward_passes"], record["backward_passes"])
        record["epoch"] = record["forward_passes"] / N_TRAIN
        yield record


LEARNING_RATES = (0.001, 0.01, 0.1, 0.3, 1.0, 10.0)


def lr_curve(lr: float = 0.1, steps: int = LR_STEPS, seed: int = 0) -> list[dict]:
    """Full-batch gradient descent at `lr`: [{step, loss, test_loss, diverged}] until the step
    limit or the step where the loss stopped being finite."""
    return [{"step": r["step"], "loss": r["loss"], "test_loss": r["test_loss"],
             "diverged": r["diverged"]}
            for r in training_run(lr=lr, steps=steps, seed=seed)]


def lr_outcome(lr: float = 0.1, what: str = "final_loss", steps: int = LR_STEPS, seed: int = 0) -> float:
    """A number of the run at `lr`, for the text: "final_loss" (the last finite training loss),
    "diverged_at" (the step whose loss was not finite, or 0 when it never diverged), "rises"
    or "falls" (steps on which the loss went up, or down), "last_fall" (the last step on which
    it went down), "first_loss" (the loss at step 0), "step_1_loss"."""
    curve = lr_curve(lr, steps, seed)
    losses = [r["loss"] for r in curve]
    finite = [v for v in losses if math.isfinite(v)]
    if what == "final_loss":
        return float(finite[-1])
    if what == "diverged_at":
        return int(curve[-1]["step"]) if curve[-1]["diverged"] else 0
    if what == "rises":
        return int(sum(b > a for a, b in zip(losses, losses[1:])))
    if what == "falls":
        return int(sum(b < a for a, b in zip(losses, losses[1:])))
    if what == "last_fall":
        falls = [k + 1 for k, (a, b) in enumerate(zip(losses, losses[1:])) if b < a]
        return int(falls[-1]) if falls else 0
    if what == "first_loss":
        return float(losses[0])
    if what == "step_1_loss":
        return float(losses[1])
    raise validate.ArgumentValueError("what", f"unknown what {what!r}")


def batch_result(batch_size: int = N_TRAIN, seed: int = 0, budget: str = "steps") -> dict:
    """The end of one mini-batch run at lr 0.1: {steps, loss, test_loss, compute, rises}.

    budget "steps": BATCH_STEPS steps whatever B is; "compute": as many steps as the compute
    of BATCH_STEPS full-batch steps buys (3 × 64 × 400 forward-pass equivalents).
    """
    validate.choice("budget", budget, ("steps", "compute"))
    if budget == "steps":
        records = list(training_run(lr=BATCH_LR, batch_size=batch_size, steps=BATCH_STEPS,
                                    seed=seed))
    else:
        # recorded about 100 times a run: measuring both losses every step would cost more
        # than the training itself
        every = max(1, equal_compute() // (3 * batch_size) // 100)
        records = list(training_run(lr=BATCH_LR, batch_size=batch_size, steps=10**6, seed=seed,
                                    max_compute=equal_compute(), record_every=every))
    losses = [r["loss"] for r in records]
    last = records[-1]
    return {"steps": last["step"], "loss": last["loss"], "test_loss": last["test_loss"],
            "compute": last["compute"],
            "rises": None if budget == "compute" else int(sum(b > a for a, b in zip(losses, losses[1:]))),
            "epochs": last["epoch"]}


BATCH_LR = 0.1


def equal_compute() -> int:
    """The compute of BATCH_STEPS full-batch steps: 3 × N_TRAIN × BATCH_STEPS."""
    return train.compute(N_TRAIN * BATCH_STEPS, N_TRAIN * BATCH_STEPS)


_BATCH_CACHE: dict = {}


def batch_results(budget: str = "steps") -> list[dict]:
    """batch_result for every batch size and seed: [{batch_size, seed, ...}] (computed once)."""
    if budget not in _BATCH_CACHE:
        _BATCH_CACHE[budget] = [{"batch_size": b, "seed": s, **batch_result(b, s, budget)}
                                for b in BATCH_SIZES for s in SEEDS]
    return _BATCH_CACHE[budget]


def batch_summary(batch_size: int, what: str = "test_loss", budget: str = "steps",
                  stat: str = "mean") -> float:
    """Over SEEDS, the mean, min, max or spread (max - min) of `what` (loss, test_loss, steps,
    rises, epochs) at `batch_size`."""
    validate.choice("stat", stat, ("mean", "min", "max", "spread"))
    values = np.array([r[what] for r in batch_results(budget) if r["batch_size"] == batch_size],
                      dtype=float)
    if values.size == 0:
        raise validate.ArgumentValueError("batch_size", f"no runs with batch size {batch_size}")
    out = {"mean": values.mean(), "min": values.min(), "max": values.max(),
           "spread": values.max() - values.min()}[stat]
    return int(out) if what in ("steps",) and stat != "mean" else float(out)


def step_cost(batch_size: int, what: str = "compute") -> int:
    """What one SGD step on `batch_size` examples costs, counted by running it through
    `train.run`: "forward" passes, "backward" passes, or "compute"; "steps_per_epoch"."""
    batch_size = validate.integer_in_range("batch size", batch_size, 1, N_TRAIN)
    if what == "steps_per_epoch":
        return math.ceil(N_TRAIN / batch_size)
    records = list(training_run(lr=BATCH_LR, batch_size=batch_size, steps=1))
    last = records[-1]
    return int({"forward": last["forward_passes"], "backward": last["backward_passes"],
                "compute": last["compute"]}[validate.choice("what", what,
                                                            ("forward", "backward", "compute"))])


def numerical_gradient_cost() -> int:
    """Forward passes the central-difference gradient of the 2-2-1 table costs: 2 × 9 × 1."""
    return numdiff.forward_passes_numerical(nets.param_count(TABLE_SIZES), 1, "central")


def table_step(lr: float = 0.1, theta=TABLE_THETA, x1: float = TABLE_EXAMPLE[0],
               x2: float = TABLE_EXAMPLE[1], y: float = TABLE_EXAMPLE[2]) -> np.ndarray:
    """One gradient step on the table's example: theta - lr · (the table's products)."""
    lr = validate.positive("learning rate", lr, 1e6)
    theta = np.asarray(theta, float)
    return theta - lr * backprop_table(theta, x1, x2, y)["gradient"]


def table_step_loss(lr: float = 0.1) -> float:
    """The example's loss after one gradient step from the default table, for the text."""
    return float(backprop_table(table_step(lr))["forward"]["loss"])
