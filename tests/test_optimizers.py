"""Optimizers: K.function training loops against hand-written optax loops and numpy
references of the tf-keras 2.x update rules; learning rates, schedules, clipping,
constraints, state and configs."""

import json

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import nerve.compile
from nerve import backend as K
from nerve import constraints, optimizers
from nerve.graph import Tensor
from nerve.optimizers import schedules

STEPS = 5
RNG = np.random.default_rng(0)
W0 = RNG.normal(size=(3, 2)).astype(np.float32)
B0 = RNG.normal(size=(2,)).astype(np.float32)
XS = RNG.normal(size=(STEPS + 2, 4, 3)).astype(np.float32)
YS = RNG.normal(size=(STEPS + 2, 4, 2)).astype(np.float32)


# The problem: a least-squares fit of (w, b), one batch per step.


def graph(w0=W0, b0=B0, w_constraint=None):
    w = K.variable(w0, name="w", constraint=w_constraint)
    b = K.variable(b0, name="b")
    x, y = K.placeholder((None, 3)), K.placeholder((None, 2))
    loss = K.mean(K.square(K.dot(x, w) + b - y))
    return w, b, x, y, loss


def train(opt, steps=STEPS, start=0, problem=None):
    """Runs `steps` steps of `K.function(..., updates=opt.get_updates(...))`."""
    w, b, x, y, loss = problem or graph()
    fn = K.function([x, y], [loss], updates=opt.get_updates(loss, [w, b]))
    for i in range(start, start + steps):
        fn([XS[i], YS[i]])
    return [K.get_value(w), K.get_value(b)], fn


def np_grads(w, b, i):
    r = XS[i].astype(np.float64) @ w + b - YS[i]
    return [2 * XS[i].T @ r / r.size, 2 * r.sum(0) / r.size]


def train_optax(tx, steps=STEPS, hyper=None):
    """The hand-written optax loop; `hyper(t)` gives injected hyperparameters of step t."""
    params = [jnp.asarray(W0), jnp.asarray(B0)]
    state = tx.init(params)

    def loss(params, x, y):
        w, b = params
        return jnp.mean(jnp.square(x @ w + b - y))

    for i in range(steps):
        if hyper is not None:
            state.hyperparams.update(hyper(i + 1))
        grads = jax.grad(loss)(params, XS[i], YS[i])
        updates, state = tx.update(grads, state, params)
        params = optax.apply_updates(params, updates)
    return [np.asarray(p) for p in params]


def train_numpy(rule, steps=STEPS, rates=None):
    """A numpy loop over `rule(t, g, w, slot) -> w` for each weight, in float64."""
    params = [W0.astype(np.float64), B0.astype(np.float64)]
    slots = [{}, {}]
    for i in range(steps):
        grads = np_grads(*params, i)
        rate = rates[i] if rates is not None else None
        params = [rule(i + 1, g, p, s, rate) for g, p, s in zip(grads, params, slots)]
    return params


def assert_params(actual, expected, rtol=2e-5, atol=2e-6):
    for a, e in zip(actual, expected):
        np.testing.assert_allclose(a, e, rtol=rtol, atol=atol)


# tf-keras 2.x update rules (keras/optimizers/{sgd,adam,rmsprop,ftrl}.py), in numpy.


def keras_sgd(lr, momentum=0.0, nesterov=False):
    def rule(t, g, w, s, rate=None):
        rate = lr if rate is None else rate
        if not momentum:
            return w - rate * g
        m = s["m"] = momentum * s.get("m", 0.0) - rate * g
        return w + (momentum * m - rate * g if nesterov else m)

    return rule


def keras_adam(lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7, weight_decay=None):
    def rule(t, g, w, s, rate=None):
        if weight_decay:
            w = w - w * weight_decay * lr
        alpha = lr * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        m = s["m"] = s.get("m", 0.0) + (g - s.get("m", 0.0)) * (1 - beta_1)
        v = s["v"] = s.get("v", 0.0) + (g * g - s.get("v", 0.0)) * (1 - beta_2)
        return w - m * alpha / (np.sqrt(v) + epsilon)

    return rule


def keras_rmsprop(lr, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
    def rule(t, g, w, s, rate=None):
        v = s["v"] = rho * s.get("v", 0.0) + (1 - rho) * g * g
        denominator = v + epsilon
        if centered:
            a = s["a"] = rho * s.get("a", 0.0) + (1 - rho) * g
            denominator = v - a * a + epsilon
        increment = lr * g / np.sqrt(denominator)
        if momentum:
            increment = s["m"] = momentum * s.get("m", 0.0) + increment
        return w - increment

    return rule


def keras_ftrl(lr, power=-0.5, initial=0.1, l1=0.0, l2=0.0, shrinkage=0.0, beta=0.0):
    def rule(t, g, w, s, rate=None):
        accum = s.get("accum", np.full_like(w, initial))
        l2_reg = l2 + beta / (2.0 * lr)
        new_accum = accum + g**2
        linear = s["linear"] = (
            s.get("linear", 0.0) + g + 2 * shrinkage * w
            - (new_accum**-power - accum**-power) / lr * w
        )
        quadratic = new_accum**-power / lr + 2 * l2_reg
        s["accum"] = new_accum
        return (np.clip(linear, -l1, l1) - linear) / quadratic

    return rule


# Every optimizer against the hand-written optax loop.


def adam_eps(epsilon=1e-7, beta_2=0.999):
    # tf-keras's epsilon outside sqrt(v) is optax's eps scaled by 1 / sqrt(1 - beta_2**t).
    return lambda t: {"eps": epsilon / np.sqrt(1 - beta_2**t)}


OPTAX_CASES = [
    (lambda: optimizers.SGD(0.1), lambda: optax.sgd(0.1), None),
    (lambda: optimizers.SGD(0.1, momentum=0.9), lambda: optax.sgd(0.1, 0.9), None),
    (
        lambda: optimizers.SGD(0.1, momentum=0.9, nesterov=True),
        lambda: optax.sgd(0.1, 0.9, nesterov=True),
        None,
    ),
    (
        lambda: optimizers.RMSprop(0.01),
        lambda: optax.rmsprop(0.01, decay=0.9, eps=1e-7),
        None,
    ),
    (
        lambda: optimizers.RMSprop(0.01, rho=0.8, momentum=0.5, centered=True),
        lambda: optax.rmsprop(0.01, decay=0.8, eps=1e-7, centered=True, momentum=0.5),
        None,
    ),
    (
        lambda: optimizers.Adam(0.01),
        lambda: optax.inject_hyperparams(optax.adam)(0.01, 0.9, 0.999, eps=1e-7),
        adam_eps(),
    ),
    (
        lambda: optimizers.Adam(0.01, beta_1=0.8, beta_2=0.99, epsilon=1e-3, amsgrad=True),
        lambda: optax.inject_hyperparams(optax.amsgrad)(0.01, 0.8, 0.99, eps=1e-3),
        adam_eps(1e-3, 0.99),
    ),
    (
        lambda: optimizers.AdamW(0.01, weight_decay=0.1),
        lambda: optax.inject_hyperparams(optax.adamw)(0.01, eps=1e-7, weight_decay=0.1),
        adam_eps(),
    ),
    (
        lambda: optimizers.Adagrad(0.1),
        lambda: optax.adagrad(0.1, initial_accumulator_value=0.1, eps=1e-7),
        None,
    ),
    (lambda: optimizers.Adadelta(1.0), lambda: optax.adadelta(1.0, rho=0.95, eps=1e-7), None),
    (lambda: optimizers.Adamax(0.01), lambda: optax.adamax(0.01, eps=1e-7), None),
    (lambda: optimizers.Nadam(0.01), lambda: optax.nadam(0.01, eps=1e-7), None),
    (
        lambda: optimizers.Ftrl(0.1, l1_regularization_strength=0.01, beta=0.1),
        lambda: optimizers.ftrl(0.1, l1_regularization_strength=0.01, beta=0.1),
        None,
    ),
]


OPTAX_IDS = [
    "sgd", "sgd-momentum", "sgd-nesterov", "rmsprop", "rmsprop-centered-momentum", "adam",
    "amsgrad", "adamw", "adagrad", "adadelta", "adamax", "nadam", "ftrl",
]


@pytest.mark.parametrize("make,make_optax,hyper", OPTAX_CASES, ids=OPTAX_IDS)
def test_training_loop_matches_hand_written_optax(make, make_optax, hyper):
    opt = make()
    params, fn = train(opt)
    assert_params(params, train_optax(make_optax(), hyper=hyper))
    assert int(K.get_value(opt.iterations)) == STEPS
    assert fn.compile_count == 1


# The tf-keras rules, in numpy.


@pytest.mark.parametrize(
    "make,rule",
    [
        (lambda: optimizers.SGD(0.1), keras_sgd(0.1)),
        (lambda: optimizers.SGD(0.1, momentum=0.9), keras_sgd(0.1, 0.9)),
        (lambda: optimizers.SGD(0.1, momentum=0.9, nesterov=True), keras_sgd(0.1, 0.9, True)),
        (lambda: optimizers.Adam(0.01), keras_adam(0.01)),
        (
            lambda: optimizers.Adam(0.01, beta_1=0.5, beta_2=0.9, epsilon=0.1),
            keras_adam(0.01, 0.5, 0.9, 0.1),
        ),
        (lambda: optimizers.AdamW(0.01, weight_decay=0.5), keras_adam(0.01, weight_decay=0.5)),
        (lambda: optimizers.RMSprop(0.01), keras_rmsprop(0.01)),
        (
            lambda: optimizers.RMSprop(0.01, rho=0.8, momentum=0.5, epsilon=0.1, centered=True),
            keras_rmsprop(0.01, 0.8, 0.5, 0.1, True),
        ),
        (lambda: optimizers.Ftrl(0.1), keras_ftrl(0.1)),
        (
            lambda: optimizers.Ftrl(
                0.1, learning_rate_power=-0.7, initial_accumulator_value=0.5,
                l1_regularization_strength=0.01, l2_regularization_strength=0.02,
                l2_shrinkage_regularization_strength=0.03, beta=0.1,
            ),
            keras_ftrl(0.1, -0.7, 0.5, 0.01, 0.02, 0.03, 0.1),
        ),
    ],
    ids=[
        "sgd", "sgd-momentum", "sgd-nesterov", "adam", "adam-large-epsilon", "adamw", "rmsprop",
        "rmsprop-centered-momentum", "ftrl", "ftrl-all-arguments",
    ],
)
def test_training_loop_matches_tf_keras_rule(make, rule):
    params, _ = train(make())
    assert_params(params, train_numpy(rule), rtol=1e-4, atol=1e-5)


def test_adam_epsilon_is_tf_keras_epsilon_hat():
    # With a large epsilon, optax's fixed `eps` would be visibly different.
    params, _ = train(optimizers.Adam(0.1, epsilon=0.5))
    assert_params(params, train_numpy(keras_adam(0.1, epsilon=0.5)), rtol=1e-4, atol=1e-5)
    plain = train_optax(optax.adam(0.1, eps=0.5))
    assert not np.allclose(params[0], plain[0], rtol=1e-3)


# The learning rate.


def test_set_value_on_learning_rate_changes_next_step_without_recompile():
    opt = optimizers.SGD(0.1, momentum=0.9)
    assert opt.lr is opt.learning_rate
    assert opt.learning_rate.dtype == "float32" and K.int_shape(opt.learning_rate) == ()
    w, b, x, y, loss = graph()
    fn = K.function([x, y], [loss], updates=opt.get_updates(loss, [w, b]))
    before = nerve.compile.compile_count()
    for i in range(2):
        fn([XS[i], YS[i]])
    K.set_value(opt.learning_rate, 0.01)
    fn([XS[2], YS[2]])
    opt.lr = 0.001  # the setter assigns the same Variable
    fn([XS[3], YS[3]])
    assert fn.compile_count == 1 and nerve.compile.compile_count() == before + 1
    # tf-keras's momentum keeps the old rate in it: m = momentum * m - lr * g.
    expected = train_numpy(keras_sgd(None, 0.9), steps=4, rates=[0.1, 0.1, 0.01, 0.001])
    assert_params([K.get_value(w), K.get_value(b)], expected)
    np.testing.assert_allclose(K.get_value(opt.lr), 0.001)
    assert opt.get_config()["learning_rate"] == 0.001


def test_adam_learning_rate_change_takes_effect():
    opt = optimizers.Adam(0.1)
    problem = graph()
    params, fn = train(opt, steps=2, problem=problem)
    K.set_value(opt.lr, 0.0)
    w, b = problem[:2]
    fn([XS[2], YS[2]])
    assert_params([K.get_value(w), K.get_value(b)], params, rtol=0, atol=0)
    assert fn.compile_count == 1


def test_schedule_drives_the_rate_and_the_rate_variable():
    schedule = schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    opt = optimizers.SGD(schedule)
    np.testing.assert_allclose(K.get_value(opt.learning_rate), 0.1)  # schedule(0)
    params, fn = train(opt, steps=3)
    rates = [0.1, 0.05, 0.025]
    assert_params(params, train_numpy(keras_sgd(None), steps=3, rates=rates))
    # As tf-keras: the rate Variable holds the rate of the last step.
    np.testing.assert_allclose(K.get_value(opt.learning_rate), 0.025, rtol=1e-6)
    assert fn.compile_count == 1
    with pytest.raises(TypeError, match="created with a learning-rate schedule"):
        opt.learning_rate = 0.1


def test_plain_callable_schedule_and_legacy_decay():
    params, _ = train(optimizers.SGD(lambda step: 0.1 / (1.0 + step)), steps=3)
    rates = [0.1 / (1 + t) for t in range(3)]
    assert_params(params, train_numpy(keras_sgd(None), steps=3, rates=rates))
    # Keras 2's `decay`: lr / (1 + decay * iterations), on top of a settable rate.
    opt = optimizers.SGD(lr=0.1, decay=0.5)
    params, _ = train(opt, steps=3)
    rates = [0.1 / (1 + 0.5 * t) for t in range(3)]
    assert_params(params, train_numpy(keras_sgd(None), steps=3, rates=rates))
    np.testing.assert_allclose(K.get_value(opt.lr), 0.1)
    assert opt.get_config()["decay"] == 0.5


def test_schedules_match_tf_keras_formulas():
    steps = np.arange(12)
    exponential = schedules.ExponentialDecay(0.1, 4, 0.5)
    np.testing.assert_allclose(exponential(steps), 0.1 * 0.5 ** (steps / 4), rtol=1e-6)
    stairs = schedules.ExponentialDecay(0.1, 4, 0.5, staircase=True)
    np.testing.assert_allclose(stairs(steps), 0.1 * 0.5 ** (steps // 4), rtol=1e-6)
    piecewise = schedules.PiecewiseConstantDecay([2, 5], [1.0, 0.5, 0.1])
    expected = np.where(steps <= 2, 1.0, np.where(steps <= 5, 0.5, 0.1))
    np.testing.assert_allclose([float(piecewise(s)) for s in steps], expected, rtol=1e-6)
    np.testing.assert_allclose(piecewise(jnp.asarray(steps)), expected, rtol=1e-6)
    cosine = schedules.CosineDecay(0.1, 8, alpha=0.2)
    fraction = np.minimum(steps, 8) / 8
    decayed = 0.8 * 0.5 * (1 + np.cos(np.pi * fraction)) + 0.2
    np.testing.assert_allclose(cosine(steps), 0.1 * decayed, rtol=1e-5)
    warm = schedules.CosineDecay(0.0, 8, alpha=0.2, warmup_target=0.1, warmup_steps=4)
    fraction = np.minimum(np.maximum(steps - 4, 0), 8) / 8
    decayed = 0.1 * (0.8 * 0.5 * (1 + np.cos(np.pi * fraction)) + 0.2)
    expected = np.where(steps < 4, 0.1 * steps / 4, decayed)
    np.testing.assert_allclose(warm(steps), expected, rtol=1e-5, atol=1e-7)
    inverse = schedules.InverseTimeDecay(0.1, 4, 0.5)
    np.testing.assert_allclose(inverse(steps), 0.1 / (1 + 0.5 * steps / 4), rtol=1e-6)
    inverse = schedules.InverseTimeDecay(0.1, 4, 0.5, staircase=True)
    np.testing.assert_allclose(inverse(steps), 0.1 / (1 + 0.5 * (steps // 4)), rtol=1e-6)


@pytest.mark.parametrize(
    "schedule",
    [
        schedules.ExponentialDecay(0.1, 1000, 0.96, staircase=True, name="decay"),
        schedules.PiecewiseConstantDecay([10, 20], [0.1, 0.01, 0.001]),
        schedules.CosineDecay(0.1, 100, alpha=0.1, warmup_target=0.2, warmup_steps=10),
        schedules.InverseTimeDecay(0.1, 10, 0.5),
    ],
)
def test_schedule_config_round_trip(schedule):
    config = schedules.serialize(schedule)
    assert config["class_name"] == type(schedule).__name__
    again = schedules.deserialize(json.loads(json.dumps(config)))
    assert type(again) is type(schedule) and again.get_config() == schedule.get_config()
    np.testing.assert_allclose(again(15), schedule(15))
    opt = optimizers.Adam(schedule)
    restored = optimizers.Adam.from_config(json.loads(json.dumps(opt.get_config())))
    assert restored.get_config() == opt.get_config()


def test_schedules_is_an_importable_module():
    import nerve.optimizers.schedules as module
    from nerve.optimizers.schedules import ExponentialDecay, LearningRateSchedule

    assert module is schedules and issubclass(ExponentialDecay, LearningRateSchedule)


# Clipping.


def clipped_sgd_step(clip):
    grads = np_grads(W0.astype(np.float64), B0.astype(np.float64), 0)
    return [p - 0.5 * g for p, g in zip([W0, B0], clip(grads))]


def clip_each(grads, c=0.1):
    return [g * c / max(np.linalg.norm(g), c) for g in grads]


def clip_global(grads, c=0.1):
    norm = np.sqrt(sum(np.sum(g * g) for g in grads))
    return [g * c / max(norm, c) for g in grads]


@pytest.mark.parametrize(
    "kwargs,clip",
    [
        ({"clipnorm": 0.1}, clip_each),
        ({"global_clipnorm": 0.1}, clip_global),
        ({"clipvalue": 0.05}, lambda grads: [np.clip(g, -0.05, 0.05) for g in grads]),
    ],
)
def test_clipping(kwargs, clip):
    opt = optimizers.SGD(0.5, **kwargs)
    w, b, x, y, loss = problem = graph()
    grads = K.function([x, y], opt.get_gradients(loss, [w, b]))([XS[0], YS[0]])
    unclipped = np_grads(W0.astype(np.float64), B0.astype(np.float64), 0)
    for g, expected in zip(grads, clip(unclipped)):
        np.testing.assert_allclose(g, expected, rtol=1e-5, atol=1e-7)
    assert not np.allclose(grads[0], unclipped[0])  # the clipping did something
    params, _ = train(opt, steps=1, problem=problem)
    assert_params(params, clipped_sgd_step(clip))


# Constraints, weight decay, apply_gradients.


def test_constraints_are_applied_after_the_update():
    problem = graph(w_constraint=constraints.NonNeg())
    params, _ = train(optimizers.SGD(0.5), steps=1, problem=problem)
    step = clipped_sgd_step(lambda grads: grads)
    np.testing.assert_allclose(params[0], np.maximum(step[0], 0), rtol=1e-5, atol=1e-6)
    assert (step[0] < 0).any() and (params[0] >= 0).all()
    np.testing.assert_allclose(params[1], step[1], rtol=1e-5, atol=1e-6)  # no constraint
    problem = graph(w_constraint=lambda w: K.clip(w, -0.1, 0.1))  # any callable
    params, _ = train(optimizers.Adam(0.1), steps=2, problem=problem)
    assert np.abs(params[0]).max() <= 0.1 + 1e-7


def test_weight_decay_any_optimizer_and_exclusions():
    opt = optimizers.SGD(0.5, weight_decay=0.2)
    problem = graph()
    opt.exclude_from_weight_decay(var_names=["b"])
    params, _ = train(opt, steps=1, problem=problem)
    step = clipped_sgd_step(lambda grads: grads)
    np.testing.assert_allclose(params[0], step[0] - 0.5 * 0.2 * W0, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(params[1], step[1], rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="already built; call `exclude_from_weight_decay`"):
        opt.exclude_from_weight_decay(var_list=[problem[0]])


def test_apply_gradients_eager_and_symbolic():
    opt = optimizers.SGD(0.5, momentum=0.9)
    w, b = K.variable(W0), K.variable(B0)
    grads = [np.ones_like(W0), np.ones_like(B0)]
    assert opt.apply_gradients(zip(grads, [w, b])) is opt.iterations
    opt.apply_gradients(zip(grads, [w, b]))
    np.testing.assert_allclose(K.get_value(w), W0 - 0.5 - (0.9 * 0.5 + 0.5), rtol=1e-6)
    assert int(K.get_value(opt.iterations)) == 2
    assert opt.apply_gradients([]) is opt.iterations
    g = K.placeholder((2,))
    updates = opt.apply_gradients([(K.zeros((3, 2)), w), (g, b)])
    assert all(isinstance(new, Tensor) for _, new in updates)


# State.


def test_variables_and_weights():
    opt = optimizers.Adam()
    assert [id(v) for v in opt.variables()] == [id(v) for v in opt.weights] == [id(opt.iterations)]
    train(opt, steps=1)
    names = [v.name for v in opt.variables]  # a property that is also callable
    assert names == [
        "Adam/iterations", "Adam/count", "Adam/mu/w", "Adam/mu/b", "Adam/nu/w", "Adam/nu/b",
    ]
    assert all(not v.trainable for v in opt.variables())
    assert [w.shape for w in opt.get_weights()] == [(), (), (3, 2), (2,), (3, 2), (2,)]


@pytest.mark.parametrize(
    "make",
    [
        lambda: optimizers.Adam(0.05, amsgrad=True),
        lambda: optimizers.Ftrl(0.1),
        lambda: optimizers.RMSprop(0.01, momentum=0.5, centered=True),
    ],
    ids=["amsgrad", "ftrl", "rmsprop"],
)
def test_weights_round_trip_resumes_identically(make):
    opt = make()
    original = graph()
    params, fn = train(opt, steps=3, problem=original)
    weights = opt.get_weights()
    assert int(weights[0]) == 3
    # Resume: a new optimizer from the config, state set from the weights.
    resumed = type(opt).from_config(opt.get_config())
    problem = graph(*params)
    with pytest.raises(ValueError, match=r"has 1 weight\(s\) .*received a list of"):
        resumed.set_weights(weights)
    resumed.build(problem[:2])
    resumed.set_weights(weights)
    w, b = original[:2]
    fn([XS[3], YS[3]])  # the original goes on
    again, _ = train(resumed, steps=1, start=3, problem=problem)
    assert_params(again, [K.get_value(w), K.get_value(b)], rtol=0, atol=0)


def test_set_weights_checks_count_and_shapes():
    opt = optimizers.SGD(0.1, momentum=0.9)
    train(opt, steps=1)
    weights = opt.get_weights()
    with pytest.raises(ValueError, match=r'SGD has 3 weight\(s\) \(iterations and slots\), '
                                         r'received a list of 2\.$'):
        opt.set_weights(weights[:2])
    with pytest.raises(ValueError, match=r"has shape \(3, 2\); cannot assign a value of shape"):
        opt.set_weights([weights[0], weights[2], weights[1]])


def test_same_weights_share_slots_other_weights_get_fresh_ones():
    opt = optimizers.SGD(0.1, momentum=0.9)
    w, b, x, y, loss = graph()
    first = opt.get_updates(loss, [w, b])
    second = opt.get_updates(loss, [w, b])  # e.g. a second input signature
    assert {id(v) for v, _ in first} == {id(v) for v, _ in second}
    old_slots = opt.variables()[1:]
    fn_both = K.function([x, y], [loss], updates=first)
    fn_both([XS[0], YS[0]])
    # As Keras 2: compiled again for other weights (a frozen layer), fresh slots;
    # the function compiled before keeps its own.
    fn_w = K.function([x, y], [loss], updates=opt.get_updates(loss, [w]))
    assert [v.name for v in opt.variables()] == ["SGD/iterations", "SGD/trace/w"]
    assert all(v is not old for v in opt.variables()[1:] for old in old_slots)
    np.testing.assert_array_equal(K.get_value(opt.variables()[1]), 0.0)
    b_before = K.get_value(b)
    fn_w([XS[1], YS[1]])
    np.testing.assert_array_equal(K.get_value(b), b_before)
    fn_both([XS[2], YS[2]])
    assert int(K.get_value(opt.iterations)) == 3


# Configs and names.


ALL = [
    optimizers.SGD(0.02, momentum=0.5, nesterov=True, clipnorm=1.0),
    optimizers.RMSprop(rho=0.8, centered=True, global_clipnorm=2.0),
    optimizers.Adam(beta_1=0.8, amsgrad=True, clipvalue=0.5, name="my_adam"),
    optimizers.AdamW(weight_decay=0.01),
    optimizers.Adagrad(initial_accumulator_value=0.2),
    optimizers.Adadelta(rho=0.9),
    optimizers.Adamax(epsilon=1e-6),
    optimizers.Nadam(beta_2=0.99),
    optimizers.Ftrl(l1_regularization_strength=0.1, l2_shrinkage_regularization_strength=0.2),
]


@pytest.mark.parametrize("opt", ALL, ids=lambda o: type(o).__name__)
def test_config_round_trip(opt):
    config = opt.get_config()
    assert json.loads(json.dumps(config)) == config
    again = type(opt).from_config(config)
    assert type(again) is type(opt) and again.get_config() == config
    restored = optimizers.deserialize(optimizers.serialize(opt))
    assert restored.get_config() == config and optimizers.get(optimizers.serialize(opt))


def test_config_has_tf_keras_names_and_reads_tf_keras_configs():
    assert optimizers.Adam().get_config() == {
        "name": "Adam", "weight_decay": None, "clipnorm": None, "global_clipnorm": None,
        "clipvalue": None, "use_ema": False, "ema_momentum": 0.99,
        "ema_overwrite_frequency": None, "jit_compile": True, "is_legacy_optimizer": False,
        "learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07,
        "amsgrad": False,
    }
    # As tf-keras 2.15 writes it (the rate read back from a float32 variable).
    tf_keras = {
        "name": "Adam", "weight_decay": None, "clipnorm": None, "global_clipnorm": None,
        "clipvalue": None, "use_ema": False, "ema_momentum": 0.99,
        "ema_overwrite_frequency": None, "jit_compile": False, "is_legacy_optimizer": False,
        "learning_rate": 0.0010000000474974513, "beta_1": 0.9, "beta_2": 0.999,
        "epsilon": 1e-07, "amsgrad": False,
    }
    opt = optimizers.deserialize({"class_name": "Adam", "config": tf_keras})
    assert opt.get_config()["learning_rate"] == 0.001 and opt.get_config()["jit_compile"] is False
    legacy = {"name": "SGD", "learning_rate": 0.01, "decay": 0.0, "momentum": 0.9,
              "nesterov": True}  # tf.keras.optimizers.legacy / Keras 2.3
    opt = optimizers.SGD.from_config(legacy)
    assert opt.momentum == 0.9 and opt.nesterov and opt.decay == 0.0
    assert optimizers.AdamW().get_config()["weight_decay"] == 0.004


def test_get_names_dicts_and_instances():
    for name, cls in [("sgd", optimizers.SGD), ("Adam", optimizers.Adam),
                      ("RMSPROP", optimizers.RMSprop), ("adamw", optimizers.AdamW),
                      ("adagrad", optimizers.Adagrad), ("adadelta", optimizers.Adadelta),
                      ("adamax", optimizers.Adamax), ("nadam", optimizers.Nadam),
                      ("ftrl", optimizers.Ftrl)]:
        assert type(optimizers.get(name)) is cls
    assert optimizers.get("sgd").get_config()["learning_rate"] == 0.01
    opt = optimizers.Adam()
    assert optimizers.get(opt) is opt
    made = optimizers.get({"class_name": "adam", "config": {"learning_rate": 0.5}})
    assert isinstance(made, optimizers.Adam) and made.get_config()["learning_rate"] == 0.5


def test_lr_alias():
    opt = optimizers.SGD(lr=0.5)
    assert opt.get_config()["learning_rate"] == 0.5
    assert optimizers.Adam(lr=0.002).get_config()["learning_rate"] == 0.002


# Errors.


@pytest.mark.parametrize(
    "make,error,match",
    [
        (lambda: optimizers.SGD(learning_rate=0.1, lr=0.2), TypeError,
         r"SGD got both `learning_rate` and its alias `lr`; pass one\. "
         r"Received: learning_rate=0\.1, lr=0\.2"),
        (lambda: optimizers.Adam(foo=1, bar=2), TypeError,
         r"^Adam got unexpected keyword argument\(s\): 'bar', 'foo'\.$"),
        (lambda: optimizers.SGD(momentum=1.5), ValueError,
         r"^Invalid value for `momentum` of SGD: expected a float in the range \[0, 1\]\. "
         r"Received: momentum=1\.5$"),
        (lambda: optimizers.Adam(learning_rate=-1), ValueError,
         r"`learning_rate` of Adam: expected a non-negative number or a learning-rate "
         r"schedule\. Received: learning_rate=-1"),
        (lambda: optimizers.Adam("fast"), ValueError, r"Received: learning_rate='fast'"),
        (lambda: optimizers.Adam(beta_1=1.0), ValueError,
         r"`beta_1` of Adam: expected a float in the range \[0, 1\)\. Received: beta_1=1\.0"),
        (lambda: optimizers.Adam(name="opt", beta_2=2), ValueError,
         r'`beta_2` of Adam "opt": expected a float in the range \[0, 1\)'),
        (lambda: optimizers.RMSprop(rho=-0.1), ValueError, r"`rho` of RMSprop"),
        (lambda: optimizers.Adam(epsilon=-1e-7), ValueError,
         r"`epsilon` of Adam: expected a non-negative number"),
        (lambda: optimizers.Adam(epsilon=float("nan")), ValueError, r"Received: epsilon=nan"),
        (lambda: optimizers.Adam(amsgrad="yes"), ValueError,
         r"`amsgrad` of Adam: expected a boolean\. Received: amsgrad='yes'"),
        (lambda: optimizers.SGD(nesterov=1), ValueError, r"`nesterov` of SGD: expected a boolean"),
        (lambda: optimizers.RMSprop(centered=None), ValueError, r"`centered` of RMSprop"),
        (lambda: optimizers.Adam(name=""), ValueError,
         r"`name` of Adam: expected a non-empty string\. Received: name=''"),
        (lambda: optimizers.Adam(clipnorm=0), ValueError,
         r"`clipnorm` of Adam: expected a positive number or None\. Received: clipnorm=0"),
        (lambda: optimizers.Adam(clipvalue=-1.0), ValueError, r"`clipvalue` of Adam"),
        (lambda: optimizers.Adam(global_clipnorm="1"), ValueError, r"`global_clipnorm` of Adam"),
        (lambda: optimizers.Adam(clipnorm=1.0, global_clipnorm=2.0), ValueError,
         r"at most one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set\. "
         r"Received: clipnorm=1\.0, global_clipnorm=2\.0"),
        (lambda: optimizers.Adam(use_ema=True), ValueError,
         r"`use_ema` of Adam: expected False \(no moving average of the weights\)"),
        (lambda: optimizers.Adam(ema_momentum=2), ValueError, r"`ema_momentum` of Adam"),
        (lambda: optimizers.Adam(ema_overwrite_frequency=0), ValueError,
         r"`ema_overwrite_frequency` of Adam: expected a positive integer"),
        (lambda: optimizers.Adam(jit_compile="no"), ValueError, r"`jit_compile` of Adam"),
        (lambda: optimizers.Adam(decay=-0.1), ValueError, r"`decay` of Adam"),
        (lambda: optimizers.Adam(weight_decay=-0.1), ValueError, r"`weight_decay` of Adam"),
        (lambda: optimizers.AdamW(weight_decay=None), ValueError,
         r"`weight_decay` of AdamW: expected a non-negative number \(AdamW needs one\)"),
        (lambda: optimizers.Adagrad(initial_accumulator_value=-1), ValueError,
         r"`initial_accumulator_value` of Adagrad"),
        (lambda: optimizers.Adadelta(rho=1), ValueError, r"`rho` of Adadelta"),
        (lambda: optimizers.Adamax(beta_2=-1), ValueError, r"`beta_2` of Adamax"),
        (lambda: optimizers.Nadam(epsilon="x"), ValueError, r"`epsilon` of Nadam"),
        (lambda: optimizers.Ftrl(learning_rate_power=0.5), ValueError,
         r"`learning_rate_power` of Ftrl: expected a non-positive number"),
        (lambda: optimizers.Ftrl(l1_regularization_strength=-1), ValueError,
         r"`l1_regularization_strength` of Ftrl"),
        (lambda: optimizers.Ftrl(l2_regularization_strength=-1), ValueError,
         r"`l2_regularization_strength` of Ftrl"),
        (lambda: optimizers.Ftrl(l2_shrinkage_regularization_strength=-1), ValueError,
         r"`l2_shrinkage_regularization_strength` of Ftrl"),
        (lambda: optimizers.Ftrl(beta=-1), ValueError, r"`beta` of Ftrl"),
        (lambda: schedules.ExponentialDecay(0.1, 0, 0.5), ValueError,
         r"`decay_steps` of ExponentialDecay: expected a positive number\. Received: "
         r"decay_steps=0"),
        (lambda: schedules.ExponentialDecay(0.1, 10, 0.0), ValueError,
         r"`decay_rate` of ExponentialDecay"),
        (lambda: schedules.ExponentialDecay(-0.1, 10, 0.5), ValueError,
         r"`initial_learning_rate` of ExponentialDecay"),
        (lambda: schedules.ExponentialDecay(0.1, 10, 0.5, staircase=1), ValueError,
         r"`staircase` of ExponentialDecay"),
        (lambda: schedules.PiecewiseConstantDecay([1, 2], [1.0]), ValueError,
         r"`values` of PiecewiseConstantDecay: expected a list of 3 rates \(one more than "
         r"`boundaries`\)"),
        (lambda: schedules.PiecewiseConstantDecay([2, 1], [1.0, 2.0, 3.0]), ValueError,
         r"`boundaries` of PiecewiseConstantDecay: expected a list of increasing numbers"),
        (lambda: schedules.PiecewiseConstantDecay([1], [1.0, "a"]), ValueError,
         r"`values` of PiecewiseConstantDecay: expected a list of numbers"),
        (lambda: schedules.CosineDecay(0.1, 10, alpha=2), ValueError,
         r"`alpha` of CosineDecay: expected a float in the range \[0, 1\]"),
        (lambda: schedules.CosineDecay(0.1, 10, warmup_steps=-1), ValueError,
         r"`warmup_steps` of CosineDecay: expected a non-negative integer"),
        (lambda: schedules.CosineDecay(0.1, 10, warmup_target=-1.0), ValueError,
         r"`warmup_target` of CosineDecay"),
        (lambda: schedules.InverseTimeDecay(0.1, 10, -0.5, name="inv"), ValueError,
         r'`decay_rate` of InverseTimeDecay "inv": expected a non-negative number'),
        (lambda: schedules.InverseTimeDecay(0.1, 10, 0.5, name=3), ValueError,
         r"`name` of InverseTimeDecay"),
        (lambda: optimizers.get(42), ValueError,
         r"`identifier` of optimizers\.get: expected an optimizer name, a config dict or an "
         r"Optimizer instance\. Received: identifier=42"),
        (lambda: optimizers.get("nope"), ValueError, r"Unknown optimizer: 'nope'\. Known names"),
        (lambda: schedules.deserialize({"class_name": "Nope", "config": {}}), ValueError,
         r"Unknown learning rate schedule: 'Nope'"),
    ],
)
def test_argument_errors(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_learning_rate_setter_checks_the_value():
    opt = optimizers.SGD()
    with pytest.raises(ValueError, match=r"`learning_rate` of SGD: expected a non-negative"):
        opt.learning_rate = -1.0


def test_get_updates_errors():
    opt = optimizers.SGD()
    w, b, x, y, loss = graph()
    with pytest.raises(TypeError, match=r"needs a symbolic `loss`.*Received: loss=\["):
        opt.get_updates([w, b], loss)  # Keras 2.0's argument order
    with pytest.raises(TypeError, match=r"`params\[1\]` must be a Variable"):
        opt.get_updates(loss, [w, x])
    with pytest.raises(TypeError, match=r"`params\[0\]` \('step'\) must be a float Variable"):
        opt.get_updates(loss, [K.variable(0, dtype="int32", name="step")])
    with pytest.raises(ValueError, match="Variable 'w' appears twice in `params`"):
        opt.get_updates(loss, [w, w])


def test_base_classes_name_what_is_missing():
    class Bare(optimizers.Optimizer):
        pass

    opt = Bare(0.1, "bare")
    w, b, x, y, loss = graph()
    with pytest.raises(NotImplementedError, match="Bare does not implement `_optax`"):
        opt.get_updates(loss, [w, b])

    class Constant(schedules.LearningRateSchedule):
        pass

    with pytest.raises(NotImplementedError, match=r"implement `__call__\(step\)`"):
        Constant()(0)
    with pytest.raises(NotImplementedError, match=r"Constant does not implement `get_config\(\)`"):
        Constant().get_config()


def test_ftrl_transformation_needs_params():
    tx = optimizers.ftrl(0.1)
    params = [jnp.ones(2)]
    with pytest.raises(ValueError, match="The FTRL update needs the current weights"):
        tx.update(params, tx.init(params))
