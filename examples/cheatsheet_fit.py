"""The cheat sheet's section 1: fit with validation data, EarlyStopping and ModelCheckpoint.

As written in the cheat sheet, with `ModelCheckpoint(name='test.h5', ...)` saving the
best model by validation loss, on scikit-learn's digits.
"""

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import nerve
from nerve.callbacks import EarlyStopping, ModelCheckpoint
from nerve.layers import Dense
from nerve.models import Sequential
from nerve.optimizers import Adam
from nerve.utils import np_utils


def main(path="test.h5", epochs=50, verbose=True):
    nerve.utils.set_random_seed(0)
    digits = load_digits()
    X = digits.data.astype("float32") / 16.0
    Y = np_utils.to_categorical(digits.target, 10)
    X_train, X_val, Y_train, Y_val = train_test_split(X, Y, test_size=0.2, random_state=0)

    model = Sequential([
        Dense(128, activation="relu", input_shape=(64,)),
        Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=Adam(learning_rate=0.01), loss="categorical_crossentropy",
                  metrics=["accuracy"])

    early_stop = EarlyStopping(monitor="val_loss", patience=2, verbose=1)
    best_model = ModelCheckpoint(name=path, verbose=0, save_best_only=True)
    history = model.fit(X_train, Y_train, validation_data=(X_val, Y_val), epochs=epochs,
                        batch_size=128, verbose=verbose, callbacks=[best_model, early_stop])
    best = int(np.argmin(history.history["val_loss"]))
    if verbose:
        print(f"best epoch {best + 1}: val_loss {history.history['val_loss'][best]:.4f}, "
              f"saved to {path}")
    return history, (X_val, Y_val)


if __name__ == "__main__":
    main()
