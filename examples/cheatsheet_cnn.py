"""The cheat sheet's section 6, CNNs: max pooling, and WaveNet's dilated causal convolutions.

Two small networks, each printing its summary with the `Receptive field`
column (how many input cells one output cell of each layer sees):

* `digits`: Conv2D + MaxPooling2D on scikit-learn's 8x8 digits, trained with
  `model.fit`. Each 2x2 max pool halves the resolution: the exact pixel of a
  stroke matters less than the fact that there is one "somewhere at the top".
* `wavenet`: a stack of kernel-2 causal Conv1D layers with dilations 1, 2, 4,
  ..., 128 (WaveNet, arXiv:1609.03499, section 2.1), whose receptive field
  doubles with each layer to 256 steps, taught to output its input delayed by
  `delay` steps: output t may only look at inputs up to t, and needs input
  t - delay, which the last layers reach only through the dilations.

Run it: `python examples/cheatsheet_cnn.py`.
"""

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from nerve.layers import Conv1D, Conv2D, Dense, Flatten, MaxPooling2D
from nerve.models import Sequential
from nerve.optimizers import Adam
from nerve.utils import np_utils, set_random_seed
from nerve.utils.conv_utils import receptive_fields


def digits(epochs=5, verbose=True):
    """A small CNN on the digits; returns the model and its `History`."""
    set_random_seed(0)
    data = load_digits()
    X = (data.images.astype("float32") / 16.0)[..., None]  # (1797, 8, 8, 1)
    Y = np_utils.to_categorical(data.target, 10)
    X_train, X_val, Y_train, Y_val = train_test_split(X, Y, test_size=0.2, random_state=0)

    model = Sequential([
        Conv2D(16, 3, padding="same", activation="relu", input_shape=(8, 8, 1)),
        MaxPooling2D(2),  # 8x8 -> 4x4
        Conv2D(32, 3, padding="same", activation="relu"),
        MaxPooling2D(2),  # 4x4 -> 2x2: each cell sees 10x10 pixels, the whole digit
        Flatten(),
        Dense(10, activation="softmax"),
    ], name="digits_cnn")
    model.summary(print_fn=print if verbose else lambda line: None)
    model.compile(optimizer=Adam(learning_rate=0.01), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(X_train, Y_train, validation_data=(X_val, Y_val), epochs=epochs,
                        batch_size=64, verbose=2 if verbose else 0)
    return model, history


def wavenet_stack(layers=8, filters=16):
    """Kernel-2 causal convolutions with dilations 1, 2, 4, ...: receptive field 2**layers."""
    model = Sequential(name="wavenet")
    for i in range(layers):
        model.add(Conv1D(filters, 2, padding="causal", dilation_rate=2 ** i,
                         activation="relu", input_shape=(None, 1) if i == 0 else None,
                         name=f"causal_{2 ** i}"))
    model.add(Conv1D(1, 1, name="output"))  # one value per step
    return model


def delayed_copy(n=64, steps=320, delay=100, seed=0):
    """Random sequences `x` and `y[t] = x[t - delay]` (0 before the start)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, steps, 1)).astype("float32")
    y = np.zeros_like(x)
    y[:, delay:] = x[:, :-delay]
    return x, y


def wavenet(epochs=8, delay=100, verbose=True):
    """The dilated causal stack learning to delay its input; returns it and its `History`."""
    set_random_seed(0)
    model = wavenet_stack()
    model.summary(print_fn=print if verbose else lambda line: None)
    (field,) = receptive_fields(model)[-1]["receptive_field"]
    if verbose:
        print(f"Output t sees inputs t - {field - 1} to t, so input t - {delay} is in reach.")
    x, y = delayed_copy(delay=delay)
    model.compile(optimizer=Adam(learning_rate=0.005), loss="mse")
    history = model.fit(x, y, epochs=epochs, batch_size=16, verbose=2 if verbose else 0)
    return model, history


def main(digits_epochs=5, wavenet_epochs=8, verbose=True):
    return digits(digits_epochs, verbose), wavenet(wavenet_epochs, verbose=verbose)


if __name__ == "__main__":
    main()
