"""The cheat sheet's section 4, "Inspecting layers", on scikit-learn's digits.

A small classifier for the digits' shapes (64 pixels, 10 classes), then the
cheat sheet's code as written: `model.summary()`, and a loop over
`model.layers` printing each layer's name, whether it is trainable (the cheat
sheet's `layer.iterable` is an erratum for `layer.trainable`) and its config.
"""

import numpy as np
from sklearn.datasets import load_digits

from nerve.layers import Dense, Dropout
from nerve.models import Sequential
from nerve.utils import set_random_seed


def build_model(n_features, n_classes):
    return Sequential([
        Dense(32, activation="relu", input_shape=(n_features,), name="hidden"),
        Dropout(0.2, name="dropout"),
        Dense(n_classes, activation="softmax", name="output"),
    ], name="digits_classifier")


def main():
    set_random_seed(0)
    digits = load_digits()
    n_features, n_classes = digits.data.shape[1], len(np.unique(digits.target))
    model = build_model(n_features, n_classes)

    # Model summary
    model.summary()

    # Model iteration
    print(model.input)
    for layer in model.layers:
        print(layer.name, layer.trainable, end="\n")
        print(layer.get_config(), end="\n{}".format("---" * 25))
    print(model.output)
    return model


if __name__ == "__main__":
    main()
