"""Same seed, same landscape: directions, slices, PCA, Hessians and paths on CPython and Pyodide.

One snippet runs unchanged in both interpreters. Filter-normalised directions, a 2-D slice of a
network, the PCA of a training path (signs included: the SVD's sign is fixed by the code, not by
the LAPACK build), a Hessian spectrum, a trained Bezier curve and one figure's tables must agree
to 1e-9 (relative, or absolute near zero): the numpy builds may round transcendental functions
and summation orders differently in the last bits, which SVD and training can amplify a little.
"""


from tests._pyodide import close, run_both

CODE = r'''
import numpy as np
from explainer_core import landscape, nets, optim, train
from explainer_core.chapters import real_landscapes

result = {}
sizes = (2, 8, 6, 1)
rng = np.random.default_rng(11)
X = rng.uniform(-1, 1, (40, 2))
y = np.sin(2 * X[:, :1]) * X[:, 1:]
theta = nets.init_params(sizes, rng, "xavier")
d1 = landscape.filter_normalized_direction(theta, sizes, rng)
d2 = landscape.filter_normalized_direction(theta, sizes, rng)
result["directions"] = np.concatenate([d1[::5], d2[::5]]).tolist()
loss = landscape.network_loss(sizes, X, y)
result["slice"] = landscape.slice_2d(loss, theta, d1, d2, n=9).loss.ravel().tolist()

task = train.network_task(sizes, X, y)
records = list(train.run(task, optim.adam(0.02), theta, steps=80, record_every=4,
                         theta_dims=theta.size))
path = np.array([r["theta"] for r in records])
p1, p2, explained = landscape.pca_directions(path)
result["pca"] = p1[::4].tolist() + p2[::4].tolist() + explained.tolist()
result["coords"] = landscape.project_path(path, path[-1], p1, p2).ravel().tolist()

small = (1, 3, 1)
xs = np.linspace(-1, 1, 15)[:, None]
lg = landscape.network_loss_and_grad(small, xs, np.sin(2 * xs))
path_small = 0.3 * np.random.default_rng(2).standard_normal((3, nets.param_count(small)))
result["spectra"] = landscape.hessian_spectra(lambda t: lg(t)[1], path_small).ravel().tolist()

a, b = np.random.default_rng(4).standard_normal((2, nets.param_count(small)))
fit = landscape.fit_bezier(lg, a, b, np.random.default_rng(5), steps=40, learning_rate=0.05)
result["bezier"] = fit.theta_mid.tolist() + fit.losses[::8].tolist()

result["figure"] = real_landscapes.saddle_paths(n=5, steps=20)["paths"]
'''




def test_landscape_is_the_same_in_pyodide():
    here, there = run_both(CODE)
    for key in here:
        assert close(here[key], there[key], tol=1e-9), key
