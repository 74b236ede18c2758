"""Same seed, same run: gradient training gives the same trajectory on CPython and in Pyodide.

One snippet runs unchanged in both interpreters: data sets drawn from a seeded Generator,
initialisation, backprop with every activation, SGD (momentum, Nesterov), Adam with a schedule,
mini-batches and the population forward. Step counts, pass counts and accuracies must be
identical; losses and parameters agree to 1e-12 (relative, or absolute near zero), since the
two numpy builds may round a transcendental function differently in the last bit.
"""


from tests._pyodide import close, run_both

CODE = r"""
import numpy as np
from explainer_core import activations, datasets, images, nets, optim, schedules, train

result = {}
rng = np.random.default_rng(2024)
X, y = datasets.spiral_data(40, 3, rng)
result["spiral"] = X[::17].tolist()
sizes = [2, 16, 3]
theta0 = nets.init_params(sizes, rng, "he")
for name in sorted(activations.ACTIVATIONS):
    value, grad = nets.loss_and_grad(theta0, sizes, X, y, loss="softmax_cross_entropy",
                                     activation=name)
    result["grad/" + name] = [value] + grad[::7].tolist()

runs = {
    "sgd_momentum": (optim.sgd(0.1, momentum=0.9), None),
    "sgd_nesterov_wd": (optim.sgd(0.05, momentum=0.8, nesterov=True, weight_decay=1e-3), 32),
    "adam_decay": (optim.adam(schedules.inverse_time(0.05, 1e-3), eps=1e-7), 24),
    "adam_cosine": (optim.adam(schedules.cosine(0.02, 60)), None),
}
task = train.network_task(sizes, X, y, loss="softmax_cross_entropy", activation="tanh")
for name, (opt, batch) in runs.items():
    run_rng = np.random.default_rng(7)
    records = train.run(task, opt, theta0, steps=60, batch_size=batch, rng=run_rng,
                        record_every=20, theta_dims=theta0.size)
    result["run/" + name] = [
        {k: r[k] for k in ("step", "loss", "accuracy", "forward_passes", "backward_passes",
                           "theta")} for r in records]

Xs, ys = images.image_data(images.photo(8))
img_task = train.network_task([2, 12, 1], Xs, ys, activation="sin")
theta = nets.init_params([2, 12, 1], np.random.default_rng(3), "xavier")
records = train.run(img_task, optim.adam(0.01), theta, steps=40, record_every=40, theta_dims=5)
result["run/photo"] = [{"loss": r["loss"], "theta": r["theta"]} for r in records]

thetas = np.random.default_rng(5).standard_normal((6, nets.param_count(sizes)))
result["population"] = nets.forward_population(thetas, sizes, X[:5], "gelu").ravel().tolist()
"""




def test_gradient_training_is_the_same_in_pyodide():
    here, there = run_both(CODE)
    for key in here:
        assert close(here[key], there[key]), key
    # the counts are integers and must match exactly
    for key in here:
        if key.startswith("run/") and key != "run/photo":
            for a, b in zip(here[key], there[key]):
                assert (a["step"], a["forward_passes"], a["accuracy"]) == (
                    b["step"],
                    b["forward_passes"],
                    b["accuracy"],
                )
