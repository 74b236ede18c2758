"""Evaluate a population loss over many parameter vectors in chunks, to bound memory.

A 41 x 41 slice of a 10,000-parameter network is 1,681 parameter vectors: 134 MB as one
`(1681, 10000)` float64 batch, before the network's activations. Building and evaluating the
rows a chunk at a time keeps the working set near `MEMORY_BUDGET_BYTES` whatever the grid.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

Array = np.ndarray

# Working memory for one chunk of parameter vectors (and, separately, for one chunk of a
# network's activations). Peak use of a slice is about twice this: 64 MiB, comfortable in the
# browser, where Pyodide's wasm32 heap is limited to a few GB.
MEMORY_BUDGET_BYTES = 32 * 2**20


def rows_per_chunk(bytes_per_row: int, budget: int = MEMORY_BUDGET_BYTES) -> int:
    """How many rows of `bytes_per_row` bytes fit in `budget` (at least one)."""
    return max(1, int(budget) // max(1, int(bytes_per_row)))


def evaluate_rows(
    loss_fn: Callable[[Array], Array],
    make_rows: Callable[[int, int], Array],
    n_rows: int,
    chunk_rows: int,
) -> Array:
    """`loss_fn(make_rows(i, j))` for consecutive chunks `[i, j)`, concatenated: shape `(n_rows,)`.

    `make_rows(i, j)` returns the `(j - i, D)` parameter vectors of rows i..j-1 and `loss_fn`
    maps `(P, D) -> (P,)`.
    """
    out = np.empty(n_rows, dtype=np.float64)
    for start in range(0, n_rows, chunk_rows):
        stop = min(n_rows, start + chunk_rows)
        values = np.asarray(loss_fn(make_rows(start, stop)), dtype=np.float64)
        if values.shape != (stop - start,):
            raise ValueError(
                f"loss_fn must map (P, D) parameter vectors to (P,) losses; "
                f"got shape {values.shape} for P = {stop - start}"
            )
        out[start:stop] = values
    return out
