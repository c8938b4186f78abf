"""nerve: the classic Keras API (Keras 2) on JAX and XLA.

`import nerve as keras` runs classic Keras code: `nerve.layers`,
`nerve.models`, `nerve.backend`, `nerve.utils.np_utils` and the rest.
"""

from nerve import (
    activations,
    backend,
    callbacks,
    constraints,
    initializers,
    layers,
    losses,
    metrics,
    models,
    optimizers,
    regularizers,
    utils,
)
from nerve.layers import Input
from nerve.models import Model, Sequential

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
