"""Saving and loading models and weights (HDF5 in the Keras 2 layout)."""

from nerve.saving.hdf5 import load_model, load_weights, save_model, save_weights

__all__ = ["load_model", "load_weights", "save_model", "save_weights"]
