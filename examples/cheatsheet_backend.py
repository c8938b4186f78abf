"""The cheat sheet's section 2, "Using backend", on scikit-learn's digits.

Softmax regression written with the symbolic backend: placeholders, variables,
`K.gradients` and `K.function(inputs, outputs, updates)`. It is the cheat
sheet's code as written, with the errata of DESIGN.md fixed (import line,
`K.dot(x, w)`, Keras 2 argument order, one name per variable, `range(steps)`).
"""

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from nerve import backend as K
from nerve.utils import np_utils


def load_data():
    digits = load_digits()
    X = digits.data.astype("float32") / 16.0
    y = np_utils.to_categorical(digits.target, 10)
    X_train, X_val, Y_train, Y_val = train_test_split(X, y, test_size=0.2, random_state=0)
    return X_train, Y_train


def main(steps=100, verbose=True):
    np.random.seed(0)
    X_train, Y_train = load_data()
    a1, b1 = X_train.shape[1], Y_train.shape[1]

    x = K.placeholder(dtype="float", shape=X_train.shape)
    target = K.placeholder(dtype="float", shape=Y_train.shape)

    # 1. define the model
    w = K.variable(np.random.rand(a1, b1))
    b = K.variable(np.random.rand(b1))
    y = K.dot(x, w) + b
    activation = K.softmax(y)
    loss = K.categorical_crossentropy(target, activation)

    # 2. weight update using gradients
    lr = K.constant(0.001)
    grads = K.gradients(loss, [w, b])
    updates = [(w, w - grads[0] * lr), (b, b - grads[1] * lr)]

    # 3. optimization objective
    train = K.function(inputs=[x, target], outputs=[loss], updates=updates)

    # 4. loop
    loss_history = []
    for epoch in range(steps):
        current_loss = train([X_train, Y_train])[0]
        loss_history.append(current_loss)
        if verbose and (epoch % 10 == 0 or epoch == steps - 1):
            print(f"epoch {epoch:3d}  loss {np.mean(current_loss):.4f}")

    # mean the loss_history
    loss_history = [np.mean(loss) for loss in loss_history]
    return loss_history


if __name__ == "__main__":
    main()
