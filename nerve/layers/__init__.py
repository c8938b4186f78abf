"""Layers, and `serialize`/`deserialize` for any of them (models included)."""

import inspect

from nerve.layers.activation import ELU, LeakyReLU, PReLU, ReLU, Softmax, ThresholdedReLU
from nerve.layers.base import InputSpec, Layer
from nerve.layers.conv import (
    Conv1D,
    Conv2D,
    Conv3D,
    Convolution1D,
    Convolution2D,
    Convolution3D,
)
from nerve.layers.conv_transpose import (
    Conv1DTranspose,
    Conv2DTranspose,
    Conv3DTranspose,
    Convolution1DTranspose,
    Convolution2DTranspose,
    Convolution3DTranspose,
    Deconvolution2D,
    Deconvolution3D,
)
from nerve.layers.core import Activation, ActivityRegularization, Dense, Dropout, Flatten
from nerve.layers.embedding import Embedding
from nerve.layers.input_layer import Input, InputLayer
from nerve.layers.lambda_layer import Lambda
from nerve.layers.merge import (
    Add,
    Average,
    Concatenate,
    Dot,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    dot,
    maximum,
    minimum,
    multiply,
    subtract,
)
from nerve.layers.noise import GaussianDropout, GaussianNoise, SpatialDropout1D, SpatialDropout2D
from nerve.layers.normalization import (
    BatchNormalization,
    LayerNormalization,
)
from nerve.layers.pooling import (
    AveragePooling1D,
    AveragePooling2D,
    AveragePooling3D,
    AvgPool1D,
    AvgPool2D,
    AvgPool3D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalAveragePooling3D,
    GlobalAvgPool1D,
    GlobalAvgPool2D,
    GlobalAvgPool3D,
    GlobalMaxPool1D,
    GlobalMaxPool2D,
    GlobalMaxPool3D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    GlobalMaxPooling3D,
    MaxPool1D,
    MaxPool2D,
    MaxPool3D,
    MaxPooling1D,
    MaxPooling2D,
    MaxPooling3D,
)
from nerve.layers.reshaping import Permute, RepeatVector, Reshape
from nerve.layers.separable import (
    DepthwiseConv1D,
    DepthwiseConv2D,
    SeparableConv1D,
    SeparableConv2D,
    SeparableConvolution1D,
    SeparableConvolution2D,
)
from nerve.layers.spatial import (
    Cropping1D,
    Cropping2D,
    Cropping3D,
    UpSampling1D,
    UpSampling2D,
    UpSampling3D,
    ZeroPadding1D,
    ZeroPadding2D,
    ZeroPadding3D,
)
from nerve.layers.wrappers import TimeDistributed


def serialize(layer):
    """`{"class_name": ..., "config": ...}` as tf-keras writes it."""
    from nerve.models import Model, Sequential

    name = type(layer).__name__
    if type(layer) is Model:
        name = "Functional"
    elif isinstance(layer, Sequential):
        name = "Sequential"
    return {"class_name": name, "config": layer.get_config()}


def _known_classes():
    from nerve import models

    known = {name: obj for name, obj in globals().items()
             if isinstance(obj, type) and issubclass(obj, Layer)}
    known.update(Model=models.Model, Functional=models.Model, Sequential=models.Sequential)
    return known


def deserialize(config, custom_objects=None):
    """A new layer (or model) from `serialize`'s output; `custom_objects` maps
    the names of your own classes to them."""
    known = _known_classes()
    known.update(custom_objects or {})
    class_name = config.get("class_name") if isinstance(config, dict) else None
    if class_name not in known:
        raise ValueError(
            f"Unknown layer: '{class_name}'. If it is a custom layer, pass it in "
            f"`custom_objects={{'{class_name}': {class_name}}}`."
        )
    cls = known[class_name]
    if "custom_objects" in inspect.signature(cls.from_config).parameters:
        return cls.from_config(dict(config["config"]), custom_objects=custom_objects)
    return cls.from_config(dict(config["config"]))


__all__ = [
    "Activation",
    "ActivityRegularization",
    "Add",
    "Average",
    "AveragePooling1D",
    "AveragePooling2D",
    "AveragePooling3D",
    "AvgPool1D",
    "AvgPool2D",
    "AvgPool3D",
    "BatchNormalization",
    "Concatenate",
    "Conv1D",
    "Conv1DTranspose",
    "Conv2D",
    "Conv2DTranspose",
    "Conv3D",
    "Conv3DTranspose",
    "Convolution1D",
    "Convolution1DTranspose",
    "Convolution2D",
    "Convolution2DTranspose",
    "Convolution3D",
    "Convolution3DTranspose",
    "Cropping1D",
    "Cropping2D",
    "Cropping3D",
    "Deconvolution2D",
    "Deconvolution3D",
    "Dense",
    "DepthwiseConv1D",
    "DepthwiseConv2D",
    "Dot",
    "Dropout",
    "ELU",
    "Embedding",
    "Flatten",
    "GaussianDropout",
    "GaussianNoise",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalAveragePooling3D",
    "GlobalAvgPool1D",
    "GlobalAvgPool2D",
    "GlobalAvgPool3D",
    "GlobalMaxPool1D",
    "GlobalMaxPool2D",
    "GlobalMaxPool3D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "GlobalMaxPooling3D",
    "Input",
    "InputLayer",
    "InputSpec",
    "Lambda",
    "Layer",
    "LayerNormalization",
    "LeakyReLU",
    "MaxPool1D",
    "MaxPool2D",
    "MaxPool3D",
    "MaxPooling1D",
    "MaxPooling2D",
    "MaxPooling3D",
    "Maximum",
    "Minimum",
    "Multiply",
    "PReLU",
    "Permute",
    "ReLU",
    "RepeatVector",
    "Reshape",
    "SeparableConv1D",
    "SeparableConv2D",
    "SeparableConvolution1D",
    "SeparableConvolution2D",
    "Softmax",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "Subtract",
    "ThresholdedReLU",
    "TimeDistributed",
    "UpSampling1D",
    "UpSampling2D",
    "UpSampling3D",
    "ZeroPadding1D",
    "ZeroPadding2D",
    "ZeroPadding3D",
    "add",
    "average",
    "concatenate",
    "deserialize",
    "dot",
    "maximum",
    "minimum",
    "multiply",
    "serialize",
    "subtract",
]
