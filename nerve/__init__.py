"""nerve: the classic Keras API (Keras 2) on JAX and XLA."""

from nerve import backend, utils

__version__ = "0.1.0"

__all__ = ["backend", "utils", "__version__"]
