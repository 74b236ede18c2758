"""explainer_core: the numerics of "Gradient Descent vs Evolution", in pure numpy.

Runs unchanged on CPython and in Pyodide (in the reader's browser). Submodules are imported on
demand (`from explainer_core import nets`), so the browser loads only what a demo needs.
"""

__version__ = "0.1.0"
