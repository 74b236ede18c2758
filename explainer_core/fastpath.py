"""Measured fast paths: backprop's products written for numpy in WebAssembly (Pyodide).

The readable backward pass is `nets.backward`. In the reader's browser numpy has no BLAS and no
SIMD loops, and three of its products are much faster written differently (measured by
benchmarks/bench_gradient.py, Pyodide steps per second of the demos' networks):

- dL/dW = a^T delta through `einsum`: numpy's fallback loop for a transposed operand is twice
  as slow;
- dL/db = 1^T delta as a product with a vector of ones: several times faster than
  `delta.sum(axis=0)` on an (N, 32) array;
- delta W^T for a layer of a single unit by broadcasting (an outer product), and the products
  written into existing buffers, with f'(z) = 1 of the identity skipped.

`ENABLED` is true in WebAssembly only; `nets.backprop` then calls `backward` here. Tests check
it against `nets.backward` on every runtime (tests/lib/test_nets.py).
"""

from __future__ import annotations

import sys

import numpy as np

from . import activations

Array = np.ndarray

ENABLED = sys.platform == "emscripten"


def backward(layers, pre, post, dL_da: Array, hidden, output, grad_layers) -> None:
    """`nets.backward`, written into the views `grad_layers` [(gW, gb), ...] of one vector."""
    ones = np.ones(post[0].shape[0])
    delta = _delta(dL_da, output, pre[-1], post[-1], overwrite=False)
    for i in range(len(layers) - 1, -1, -1):
        gW, gb = grad_layers[i]
        np.einsum("ni,nj->ij", post[i], delta, out=gW)
        np.dot(ones, delta, out=gb)
        if i > 0:  # dL/da of the layer below: a fresh array of ours, which its delta may overwrite
            W = layers[i][0]
            dL_da = delta @ W.T if W.shape[1] > 1 else delta * W[:, 0]
            delta = _delta(dL_da, hidden, pre[i - 1], post[i], overwrite=True)


def _delta(dL_da: Array, act, z: Array, a: Array, overwrite: bool) -> Array:
    """delta = dL/da * f'(z), written into dL_da when `overwrite`; f' = 1 needs no product."""
    if act.name == "identity":
        return dL_da
    df = activations.derivative(act, z, a)
    return np.multiply(dL_da, df, out=dL_da) if overwrite else dL_da * df
