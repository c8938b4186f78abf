"""The cheat sheet's section 5, "Extract hidden layer representations", on digits.

Three ways to get the features of the layer named `hidden`, all giving the
same array:
1. a truncated `Sequential` of the first layers, weights copied over with
   `set_weights`, run on the data (`model_truncated(X)`: nerve has no
   `predict` yet, and calling a model on an array runs it in inference mode);
2. a functional `Model` from the model's input to the hidden layer's output;
3. `K.function` from the input and the learning phase (0: inference, so the
   dropout layer passes its input through) to the hidden layer's output.
Then the features' t-SNE embedding, one colour per digit, saved as a PNG.

The weights are untrained: the features are a random projection of the
pixels, which t-SNE still separates fairly well on digits.
"""

import inspect
import os
import tempfile

import numpy as np
from sklearn.datasets import load_digits

from nerve import backend as K
from nerve.layers import Dense, Dropout
from nerve.models import Model, Sequential
from nerve.utils import np_utils, set_random_seed


def build_model(n_features, n_classes):
    return Sequential([
        Dense(48, activation="relu", input_shape=(n_features,), name="dense_in"),
        Dropout(0.5, name="dropout"),
        Dense(32, activation="relu", name="hidden"),
        Dense(n_classes, activation="softmax", name="output"),
    ])


def load_data():
    digits = load_digits()
    X_train = (digits.data / 16.0).astype("float32")
    nb_classes = len(np.unique(digits.target))
    Y_train = np_utils.to_categorical(digits.target, nb_classes)
    return X_train, Y_train, nb_classes


def hidden_features(model, X_train, k):
    """The output of `model.layers[k]` on `X_train`, three ways."""
    # 1. build truncated model
    model_truncated = Sequential([
        Dense(48, activation="relu", input_shape=(X_train.shape[1],)),
        Dropout(0.5),
        Dense(32, activation="relu"),
    ])
    assert len(model_truncated.layers) == k + 1

    # 2. iterate over the layers
    for i, layer in enumerate(model_truncated.layers):
        layer.set_weights(model.layers[i].get_weights())

    # 3. predict
    truncated = model_truncated(X_train)

    # A model from the input to the hidden layer's output.
    hidden_model = Model(inputs=model.input, outputs=model.get_layer("hidden").output)
    functional = hidden_model(X_train)

    # A backend function of the input and the learning phase (0: test).
    get_features = K.function([model.input, K.learning_phase()], [model.layers[k].output])
    backend = get_features([X_train, 0])[0]
    return truncated, functional, backend


def plot_tsne(hidden_feat, Y_train, nb_classes, png_path, n_points=500, max_iter=1000):
    """The cheat sheet's t-SNE picture of the first `n_points` features, saved to `png_path`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.manifold import TSNE
    from threadpoolctl import threadpool_limits

    # 1. get manifold (the iteration argument is `n_iter` before scikit-learn 1.5)
    iterations = "max_iter" if "max_iter" in inspect.signature(TSNE).parameters else "n_iter"
    tsne = TSNE(n_components=2, random_state=0, init="pca", **{iterations: max_iter})

    # 2. get projection of hidden features on the manifold (one thread: for a few hundred
    # points OpenMP's threads only wait on one another, and slow down badly on a busy machine)
    with threadpool_limits(1):
        X_tsne = tsne.fit_transform(hidden_feat[:n_points])

    # 3. get the labels from one-hot encoded vector
    color_map = np.argmax(Y_train[:n_points], axis=1)

    # 4. check some label to verify correctness
    assert np.array_equal(np.where(color_map == 6)[0], np.flatnonzero(Y_train[:n_points, 6]))

    # 5. plot
    colors = np.array([x for x in "b-g-r-c-m-y-k-purple-coral-lime".split("-")])
    fig, ax = plt.subplots(figsize=(6, 5))
    for cl in range(nb_classes):
        indices = np.where(color_map == cl)[0]
        ax.scatter(X_tsne[indices, 0], X_tsne[indices, 1], c=colors[cl], label=cl, s=12)
    ax.legend()
    ax.set_title("t-SNE of the hidden layer's features")
    fig.savefig(png_path)
    plt.close(fig)
    return X_tsne


def main(png_path=None, n_points=500, max_iter=1000):
    set_random_seed(0)
    X_train, Y_train, nb_classes = load_data()
    model = build_model(X_train.shape[1], nb_classes)
    k = model.layers.index(model.get_layer("hidden"))
    features = hidden_features(model, X_train, k)
    for name, feat in zip(["truncated", "functional", "K.function"], features):
        print(f"{name:>10} features: shape {feat.shape}, mean {feat.mean():.4f}")

    if png_path is None:
        png_path = os.path.join(tempfile.mkdtemp(prefix="nerve_tsne_"), "tsne.png")
    X_tsne = plot_tsne(features[0], Y_train, nb_classes, png_path, n_points, max_iter)
    print(f"t-SNE of {len(X_tsne)} points saved to {png_path}")
    return {"model": model, "X": X_train, "Y": Y_train, "k": k, "features": features,
            "tsne": X_tsne, "png_path": png_path}


if __name__ == "__main__":
    main()
