"""The Keras optimizers, each a mapping of its arguments onto optax."""


import jax.numpy as jnp
import optax

from nerve.optimizers.base import _RATE, _SGD_RATE, Optimizer
from nerve.optimizers.checks import _flag, _fraction, _non_negative, _number, _owner
from nerve.optimizers.transforms import ftrl
from nerve.utils import validation


class SGD(Optimizer):
    """Gradient descent, with optional (Nesterov) momentum.

    As tf-keras: `m = momentum * m - learning_rate * g`, then `w += m`, or with
    Nesterov `w += momentum * m - learning_rate * g`. The learning rate enters
    before the momentum (optax's `sgd` applies it after), so a changed learning
    rate acts as in tf-keras: on new gradients only.

    Args:
        learning_rate: the rate or a schedule (default 0.01).
        momentum: in [0, 1]; 0 keeps no momentum slot.
        nesterov: whether to use Nesterov momentum.
        name, **kwargs: see `Optimizer`.
    """

    _hyperparameters = ("momentum", "nesterov")

    def __init__(self, learning_rate=_SGD_RATE, momentum=0.0, nesterov=False, name="SGD",
                 **kwargs):
        super().__init__(learning_rate, name, **kwargs)
        self.momentum = _number(
            self._owner, "momentum", momentum, "a float in the range [0, 1]", lambda v: 0 <= v <= 1
        )
        self.nesterov = _flag(self._owner, "nesterov", nesterov)

    def _optax(self, learning_rate, step):
        scale = optax.scale_by_learning_rate(learning_rate)
        if not self.momentum:
            return scale
        return optax.chain(scale, optax.trace(decay=self.momentum, nesterov=self.nesterov))


class RMSprop(Optimizer):
    """RMSprop: `w -= learning_rate * g / sqrt(v + epsilon)`, `v` the moving mean of `g**2`.

    optax's `rmsprop` with `eps_in_sqrt=True` is tf-keras's update exactly,
    centered and with momentum too.

    Args:
        learning_rate: the rate or a schedule (default 0.001).
        rho: the decay of the moving mean, in [0, 1).
        momentum: in [0, 1); 0 keeps no momentum slot.
        epsilon: added under the square root.
        centered: divide by the estimated variance instead of the second moment.
        name, **kwargs: see `Optimizer`.
    """

    _hyperparameters = ("rho", "momentum", "epsilon", "centered")

    def __init__(self, learning_rate=_RATE, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, name="RMSprop", **kwargs):
        super().__init__(learning_rate, name, **kwargs)
        self.rho = _fraction(self._owner, "rho", rho)
        self.momentum = _fraction(self._owner, "momentum", momentum)
        self.epsilon = _non_negative(self._owner, "epsilon", epsilon)
        self.centered = _flag(self._owner, "centered", centered)

    def _optax(self, learning_rate, step):
        return optax.rmsprop(
            learning_rate, decay=self.rho, eps=self.epsilon, centered=self.centered,
            momentum=self.momentum or None, eps_in_sqrt=True,
        )


class _Moments(Optimizer):
    """The Adam family's arguments: `beta_1`, `beta_2` (in [0, 1)) and `epsilon`."""

    _hyperparameters = ("beta_1", "beta_2", "epsilon")

    def __init__(self, learning_rate, beta_1, beta_2, epsilon, name, **kwargs):
        super().__init__(learning_rate, name, **kwargs)
        self.beta_1 = _fraction(self._owner, "beta_1", beta_1)
        self.beta_2 = _fraction(self._owner, "beta_2", beta_2)
        self.epsilon = _non_negative(self._owner, "epsilon", epsilon)


class Adam(_Moments):
    """Adam (Kingma and Ba), optionally AMSGrad.

    tf-keras divides by `sqrt(v) + epsilon` with `v` NOT bias-corrected, which
    is optax's form (bias-corrected `v`) with `eps = epsilon / sqrt(1 - beta_2**t)`;
    that `eps` is passed at every step, so the update is tf-keras's.

    Args:
        learning_rate: the rate or a schedule (default 0.001).
        beta_1: the decay of the first moment, in [0, 1).
        beta_2: the decay of the second moment, in [0, 1).
        epsilon: tf-keras's "epsilon hat".
        amsgrad: use the maximum of past second moments (see the module notes).
        name, **kwargs: see `Optimizer`.
    """

    _hyperparameters = ("beta_1", "beta_2", "epsilon", "amsgrad")

    def __init__(self, learning_rate=_RATE, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, name="Adam", **kwargs):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, name, **kwargs)
        self.amsgrad = _flag(self._owner, "amsgrad", amsgrad)

    def _optax(self, learning_rate, step):
        eps = self.epsilon / jnp.sqrt(1.0 - self.beta_2**step)
        make = optax.amsgrad if self.amsgrad else optax.adam
        return make(learning_rate, b1=self.beta_1, b2=self.beta_2, eps=eps)


class AdamW(Adam):
    """Adam with decoupled weight decay (`weight_decay`, default 0.004), as tf-keras.

    Args:
        learning_rate: the rate or a schedule (default 0.001).
        weight_decay: each step the weights lose `learning_rate * weight_decay`
            of themselves (required, non-negative).
        beta_1, beta_2, epsilon, amsgrad: as `Adam`.
        name, **kwargs: see `Optimizer`.
    """

    def __init__(self, learning_rate=_RATE, weight_decay=0.004, beta_1=0.9,
                 beta_2=0.999, epsilon=1e-7, amsgrad=False, name="AdamW", **kwargs):
        if weight_decay is None:
            validation.fail(_owner("AdamW", name), "weight_decay", weight_decay,
                            "a non-negative number (AdamW needs one)")
        super().__init__(learning_rate, beta_1, beta_2, epsilon, amsgrad, name,
                         weight_decay=weight_decay, **kwargs)


class Adagrad(Optimizer):
    """Adagrad: `w -= learning_rate * g / sqrt(a + epsilon)`, `a` the sum of `g**2`
    from `initial_accumulator_value` (optax's `adagrad`, exactly).

    Args:
        learning_rate: the rate or a schedule (default 0.001).
        initial_accumulator_value: the accumulators' start (non-negative).
        epsilon: added under the square root.
        name, **kwargs: see `Optimizer`.
    """

    _hyperparameters = ("initial_accumulator_value", "epsilon")

    def __init__(self, learning_rate=_RATE, initial_accumulator_value=0.1,
                 epsilon=1e-7, name="Adagrad", **kwargs):
        super().__init__(learning_rate, name, **kwargs)
        self.initial_accumulator_value = _non_negative(
            self._owner, "initial_accumulator_value", initial_accumulator_value
        )
        self.epsilon = _non_negative(self._owner, "epsilon", epsilon)

    def _optax(self, learning_rate, step):
        return optax.adagrad(
            learning_rate, initial_accumulator_value=self.initial_accumulator_value,
            eps=self.epsilon,
        )


class Adadelta(Optimizer):
    """Adadelta (Zeiler), with a learning rate as tf-keras (optax's `adadelta`, exactly).

    Args:
        learning_rate: the rate or a schedule (default 0.001).
        rho: the decay of the moving means, in [0, 1).
        epsilon: added under the square roots.
        name, **kwargs: see `Optimizer`.
    """

    _hyperparameters = ("rho", "epsilon")

    def __init__(self, learning_rate=_RATE, rho=0.95, epsilon=1e-7, name="Adadelta",
                 **kwargs):
        super().__init__(learning_rate, name, **kwargs)
        self.rho = _fraction(self._owner, "rho", rho)
        self.epsilon = _non_negative(self._owner, "epsilon", epsilon)

    def _optax(self, learning_rate, step):
        return optax.adadelta(learning_rate, rho=self.rho, eps=self.epsilon)


class Adamax(_Moments):
    """Adamax, Adam with the infinity norm (optax's `adamax`; see the module notes
    for where `epsilon` goes).

    Args:
        learning_rate: the rate or a schedule (default 0.001).
        beta_1, beta_2: the decays, in [0, 1).
        epsilon: a small constant for numerical stability.
        name, **kwargs: see `Optimizer`.
    """

    def __init__(self, learning_rate=_RATE, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 name="Adamax", **kwargs):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, name, **kwargs)

    def _optax(self, learning_rate, step):
        return optax.adamax(learning_rate, b1=self.beta_1, b2=self.beta_2, eps=self.epsilon)


class Nadam(_Moments):
    """Adam with Nesterov momentum (optax's `nadam`; tf-keras's momentum schedule is
    not in optax, see the module notes).

    Args:
        learning_rate: the rate or a schedule (default 0.001).
        beta_1, beta_2: the decays, in [0, 1).
        epsilon: added to the square root of the second moment.
        name, **kwargs: see `Optimizer`.
    """

    def __init__(self, learning_rate=_RATE, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 name="Nadam", **kwargs):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, name, **kwargs)

    def _optax(self, learning_rate, step):
        return optax.nadam(learning_rate, b1=self.beta_1, b2=self.beta_2, eps=self.epsilon)


class Ftrl(Optimizer):
    """FTRL-proximal (McMahan et al.), as tf-keras computes it (see `ftrl`).

    Args:
        learning_rate: the rate or a schedule (default 0.001).
        learning_rate_power: how the rate falls with the accumulated squared
            gradients (non-positive; 0 keeps it fixed).
        initial_accumulator_value: the accumulators' start (non-negative).
        l1_regularization_strength, l2_regularization_strength: the L1 and
            (stabilising) L2 penalties (non-negative).
        l2_shrinkage_regularization_strength: an L2 penalty on the weights'
            magnitude (non-negative).
        beta: FTRL's beta (non-negative).
        name, **kwargs: see `Optimizer`.
    """

    _hyperparameters = (
        "learning_rate_power", "initial_accumulator_value", "l1_regularization_strength",
        "l2_regularization_strength", "l2_shrinkage_regularization_strength", "beta",
    )

    def __init__(self, learning_rate=_RATE, learning_rate_power=-0.5,
                 initial_accumulator_value=0.1, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, l2_shrinkage_regularization_strength=0.0,
                 beta=0.0, name="Ftrl", **kwargs):
        super().__init__(learning_rate, name, **kwargs)
        owner = self._owner
        self.learning_rate_power = _number(
            owner, "learning_rate_power", learning_rate_power, "a non-positive number",
            lambda v: v <= 0,
        )
        self.initial_accumulator_value = _non_negative(
            owner, "initial_accumulator_value", initial_accumulator_value
        )
        for arg, value in [
            ("l1_regularization_strength", l1_regularization_strength),
            ("l2_regularization_strength", l2_regularization_strength),
            ("l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength),
            ("beta", beta),
        ]:
            setattr(self, arg, _non_negative(owner, arg, value))

    def _optax(self, learning_rate, step):
        return ftrl(learning_rate, **{k: getattr(self, k) for k in self._hyperparameters})
