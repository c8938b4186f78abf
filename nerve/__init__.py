"""nerve: the classic Keras API (Keras 2) on JAX and XLA.

`import nerve as keras` runs classic Keras code: `nerve.layers`,
`nerve.models`, `nerve.backend`, `nerve.utils.np_utils` and the rest.
"""

import importlib

from nerve import (
    activations,
    backend,
    constraints,
    initializers,
    layers,
    models,
    regularizers,
    utils,
)
from nerve.layers import Input
from nerve.models import Model, Sequential

# Loaded on first use, to keep `import nerve` fast (optax comes with optimizers).
_LAZY = ("callbacks", "losses", "metrics", "optimizers", "saving")


def __getattr__(name):
    if name in _LAZY:
        module = importlib.import_module(f"nerve.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'nerve' has no attribute {name!r}")

__version__ = "0.1.0"

__all__ = [
    "Input",
    "Model",
    "Sequential",
    "activations",
    "backend",
    "callbacks",
    "constraints",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "models",
    "optimizers",
    "regularizers",
    "utils",
    "__version__",
]
