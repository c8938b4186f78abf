"""Loss functions and `Loss` classes (tf-keras 2.x), on symbolic tensors and on arrays alike.

A loss function takes `(y_true, y_pred)` and returns one value per sample (the
mean over the last axis where tf-keras takes it). A `Loss` object also weights
and reduces those values to the scalar a model minimises. Any callable
`(y_true, y_pred)` is a valid loss.

Example:
>>> import numpy as np
>>> from nerve import losses
>>> y_true = np.array([[0.0, 1.0], [0.0, 0.0]])
>>> y_pred = np.array([[1.0, 1.0], [1.0, 0.0]])
>>> np.asarray(losses.mean_squared_error(y_true, y_pred))
array([0.5, 0.5], dtype=float32)
>>> float(losses.MeanSquaredError()(y_true, y_pred, sample_weight=[0.7, 0.3]))
0.25
>>> losses.serialize(losses.get("mse"))
'mean_squared_error'
"""

from nerve.losses.functions import (  # noqa: F401 - the public names
    BCE,
    KLD,
    MAE,
    MAPE,
    MSE,
    MSLE,
    bce,
    binary_crossentropy,
    categorical_crossentropy,
    categorical_hinge,
    cosine_proximity,
    cosine_similarity,
    hinge,
    huber,
    huber_loss,
    kl_divergence,
    kld,
    kullback_leibler_divergence,
    log_cosh,
    logcosh,
    mae,
    mape,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    mse,
    msle,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
from nerve.losses.objects import (  # noqa: F401
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CategoricalHinge,
    CosineSimilarity,
    Hinge,
    Huber,
    KLDivergence,
    LogCosh,
    Loss,
    LossFunctionWrapper,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    Poisson,
    SparseCategoricalCrossentropy,
    SquaredHinge,
)
from nerve.losses.reduction import (  # noqa: F401
    Reduction,
    as_tensor,
    compute_weighted_loss,
    squeeze_or_expand_dimensions,
)
from nerve.utils import serialization

_CLASSES = (
    Loss,
    LossFunctionWrapper,
    MeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    KLDivergence,
    Poisson,
    CosineSimilarity,
    Huber,
    LogCosh,
)
_FUNCTIONS = (
    mean_squared_error,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_logarithmic_error,
    binary_crossentropy,
    categorical_crossentropy,
    sparse_categorical_crossentropy,
    hinge,
    squared_hinge,
    categorical_hinge,
    kl_divergence,
    poisson,
    cosine_similarity,
    huber,
    log_cosh,
)
_ALIASES = {
    "mse": mse, "MSE": MSE, "mae": mae, "MAE": MAE, "mape": mape, "MAPE": MAPE,
    "msle": msle, "MSLE": MSLE, "bce": bce, "BCE": BCE, "kld": kld, "KLD": KLD,
    "kullback_leibler_divergence": kullback_leibler_divergence, "logcosh": logcosh,
    "huber_loss": huber_loss, "cosine_proximity": cosine_proximity,
}
_OBJECTS = {
    **{cls.__name__: cls for cls in _CLASSES if cls is not Loss},
    **{fn.__name__: fn for fn in _FUNCTIONS},
    **_ALIASES,
}


def serialize(loss):
    """A `Loss`'s `{"class_name", "config"}` dict, or a loss function's name."""
    return serialization.serialize_object(loss)


def deserialize(name, custom_objects=None):
    """The loss function or `Loss` object that a name or config dict describes.

    A class name gives an instance with default arguments.
    """
    return serialization.deserialize_object(name, _OBJECTS, custom_objects, kind="loss function")


def get(identifier):
    """A loss from None (None), a name (`'mse'`, `'CategoricalCrossentropy'`), a
    config dict, or a callable (returned as it is).

    Raises:
        ValueError: for an unknown name or anything else.
    """
    if identifier is None:
        return None
    return deserialize(identifier)
