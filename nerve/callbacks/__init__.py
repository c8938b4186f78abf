"""Callbacks: hooks that run between compiled calls of `fit`, `evaluate` and `predict`.

Keras 2's `keras.callbacks`: the protocol (`Callback`, `CallbackList`), the
loggers (`History`, `BaseLogger`, `ProgbarLogger`, `CSVLogger`), the
monitors (`EarlyStopping`, `ModelCheckpoint`, `ReduceLROnPlateau`),
`LearningRateScheduler`, `TerminateOnNaN` and `LambdaCallback`.
"""

from nerve.callbacks.base import BaseLogger, Callback, CallbackList, History
from nerve.callbacks.checkpoint import ModelCheckpoint
from nerve.callbacks.csv_logger import CSVLogger
from nerve.callbacks.early_stopping import EarlyStopping
from nerve.callbacks.lambda_callback import LambdaCallback
from nerve.callbacks.learning_rate import LearningRateScheduler, ReduceLROnPlateau
from nerve.callbacks.monitor import _Monitor as _Monitor
from nerve.callbacks.progbar import ProgbarLogger
from nerve.callbacks.terminate import TerminateOnNaN

__all__ = [
    "BaseLogger",
    "CSVLogger",
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "ProgbarLogger",
    "ReduceLROnPlateau",
    "TerminateOnNaN",
]
