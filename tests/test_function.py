"""K.function: Keras 2 update semantics, compile caching, feeding and its errors."""

import numpy as np
import pytest

import nerve
from nerve import backend as K
from nerve.compile import compile_count


def test_outputs_come_from_values_before_the_updates():
    x = K.variable(3.0)
    u = K.placeholder(shape=())
    f = K.function([u], [x * u], updates=[(x, x * 2)])
    np.testing.assert_array_equal(f([2.0])[0], 6.0)
    assert K.get_value(x) == 6.0
    np.testing.assert_array_equal(f([2.0])[0], 12.0)
    assert K.get_value(x) == 12.0


def test_every_update_reads_the_old_values():
    a, b = K.variable(1.0), K.variable(10.0)
    f = K.function([], [], updates=[(a, b), (b, a)])
    f([])
    assert (K.get_value(a), K.get_value(b)) == (10.0, 1.0)


def test_update_helpers_and_variable_outputs():
    v = K.variable(np.array([1.0, 2.0]))
    w = K.variable(np.array([5.0, 5.0]))
    f = K.function([], [v, w], updates=[K.update_add(v, 1.0), K.update_sub(w, v)])
    old_v, old_w = f([])
    np.testing.assert_array_equal(old_v, [1.0, 2.0])
    np.testing.assert_array_equal(old_w, [5.0, 5.0])
    np.testing.assert_array_equal(K.get_value(v), [2.0, 3.0])
    np.testing.assert_array_equal(K.get_value(w), [4.0, 3.0])
    g = K.function([], [], updates=[K.update(v, np.zeros(2))])
    g([])
    np.testing.assert_array_equal(K.get_value(v), [0.0, 0.0])


def test_a_single_output_is_returned_unwrapped():
    x = K.placeholder(shape=(None, 2))
    f = K.function([x], K.sum(x))
    assert f([np.ones((3, 2))]) == 6.0
    g = K.function(x, [K.sum(x)])
    assert g(np.ones((3, 2))) == [6.0]


def test_same_signature_does_not_recompile():
    x = K.placeholder(shape=(None, 3))
    w = K.variable(np.ones((3, 2)))
    loss = K.mean(K.square(K.dot(x, w)))
    step = K.function([x], [loss], updates=[(w, w - 0.01 * K.gradients(loss, [w])[0])])
    before = compile_count()
    for _ in range(5):
        step([np.random.rand(4, 3)])
    assert step.compile_count == 1
    step([np.random.rand(7, 3)])  # a new batch size is a new signature
    assert step.compile_count == 2
    for _ in range(3):
        step([np.random.rand(4, 3)])
        step([np.random.rand(7, 3)])
    assert step.compile_count == 2
    assert compile_count() - before == 2


def test_learning_phase_fed_per_call_compiles_one_program_per_value():
    x = K.placeholder(shape=(2,))
    out = K.in_train_phase(x * 10, x)
    f = K.function([x, K.learning_phase()], [out])
    np.testing.assert_array_equal(f([np.ones(2), 1])[0], [10.0, 10.0])
    np.testing.assert_array_equal(f([np.ones(2), 0])[0], [1.0, 1.0])
    f([np.ones(2), 1])
    f([np.ones(2), 0])
    assert f.compile_count == 2
    with pytest.raises(ValueError, match="learning phase must be fed 0 or 1. Received: 2"):
        f([np.ones(2), 2])


def test_learning_phase_defaults_to_test_and_follows_set_learning_phase():
    x = K.placeholder(shape=(2,))
    f = K.function([x], [K.in_test_phase(x, -x)])
    np.testing.assert_array_equal(f([np.ones(2)])[0], [1.0, 1.0])
    K.set_learning_phase(1)
    assert K.learning_phase() == 1
    np.testing.assert_array_equal(f([np.ones(2)])[0], [-1.0, -1.0])
    # With the phase set, new graphs choose their branch when they are built.
    assert K.in_train_phase(lambda: "train", lambda: "test") == "train"
    with pytest.raises(ValueError, match="must be 0, 1 or None. Received: value=3"):
        K.set_learning_phase(3)


def test_a_graph_without_the_learning_phase_compiles_once_whatever_is_fed():
    x = K.placeholder(shape=(2,))
    f = K.function([x, K.learning_phase()], [x + 1])
    f([np.ones(2), 0])
    f([np.ones(2), 1])
    assert f.compile_count == 1


def test_feeding_casts_within_a_dtype_kind():
    x = K.placeholder(shape=(None,), dtype="float32")
    f = K.function([x], [x * 2])
    out = f([np.array([1, 2], dtype=np.int64)])[0]
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [2.0, 4.0])
    f([np.array([1.0, 2.0], dtype=np.float64)])
    assert f.compile_count == 1


def test_fixed_batch_dimension_from_the_data_shape():
    data = np.zeros((5, 3), dtype=np.float32)
    x = K.placeholder(dtype="float", shape=data.shape)
    assert K.int_shape(x) == (5, 3)
    f = K.function([x], [K.sum(x, axis=1)])
    assert f([data])[0].shape == (5,)
    with pytest.raises(ValueError, match=r"expects shape \(5, 3\), received an array of shape"):
        f([np.zeros((4, 3))])


@pytest.mark.parametrize(
    "value, message",
    [
        (np.zeros((2, 3, 1)), r"Placeholder 'x' expects shape \(None, 3\), received an array "
                              r"of shape \(2, 3, 1\)"),
        (np.zeros((2, 4)), r"Placeholder 'x' expects shape \(None, 3\), received an array "
                           r"of shape \(2, 4\)"),
    ],
)
def test_feeding_a_wrong_shape_names_the_placeholder(value, message):
    x = K.placeholder(shape=(None, 3), name="x")
    f = K.function([x], [x])
    with pytest.raises(ValueError, match=message):
        f([value])
    assert f.compile_count == 0  # refused before any trace


def test_feeding_floats_to_an_int_placeholder_is_refused():
    i = K.placeholder(shape=(None,), dtype="int32", name="labels")
    f = K.function([i], [i + 1])
    with pytest.raises(ValueError, match="'labels' has dtype int32 and cannot take an array "
                                         "of dtype float64"):
        f([np.array([0.5])])


def test_wrong_number_of_inputs():
    x = K.placeholder(shape=(1,), name="x")
    f = K.function([x], [x])
    with pytest.raises(ValueError, match=r"takes 1 input\(s\) \(x\), received 2"):
        f([np.ones(1), np.ones(1)])


def test_missing_placeholder_is_named():
    x = K.placeholder(shape=(1,), name="x")
    y = K.placeholder(shape=(1,), name="targets")
    with pytest.raises(ValueError, match="needs a value for placeholder 'targets', which is not "
                                         "in `inputs`"):
        K.function([x], [x + y])


def test_inputs_must_be_distinct_placeholders():
    x = K.placeholder(shape=(1,), name="x")
    with pytest.raises(ValueError, match="Placeholder 'x' is used twice in `inputs`, at indices "
                                         "0 and 2"):
        K.function([x, K.placeholder(shape=(1,)), x], [x])
    with pytest.raises(TypeError, match=r"`inputs\[0\]` must be a placeholder"):
        K.function([x + 1], [x])


def test_bad_updates_are_refused():
    v = K.variable(np.zeros(3), name="v")
    x = K.placeholder(shape=(3,))
    with pytest.raises(TypeError, match=r"`updates\[0\]` must update a Variable"):
        K.function([x], [], updates=[(x, x)])
    with pytest.raises(ValueError, match="Variable 'v' is updated twice"):
        K.function([], [], updates=[(v, v + 1), (v, v - 1)])
    with pytest.raises(ValueError, match=r"gives variable 'v' of shape \(3,\) a value of "
                                         r"shape \(2,\)"):
        K.function([], [], updates=[(v, np.zeros(2))])
    with pytest.raises(TypeError, match=r"`updates\[0\]` must be a pair"):
        K.function([], [], updates=[v])


def test_unknown_keyword_is_refused():
    with pytest.raises(TypeError, match=r"Unexpected keyword argument\(s\) to `function`"):
        K.function([], [], fetches=[])


def test_eval_get_value_set_value():
    v = K.variable(np.arange(6).reshape(2, 3), name="v")
    assert K.dtype(v) == "float32"  # numpy ints/float64 become floatx
    np.testing.assert_array_equal(K.eval(v * 2), np.arange(6).reshape(2, 3) * 2)
    K.set_value(v, np.ones((2, 3)))
    np.testing.assert_array_equal(K.get_value(v), np.ones((2, 3)))
    K.batch_set_value([(v, np.zeros((2, 3)))])
    np.testing.assert_array_equal(K.batch_get_value([v])[0], np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"Variable 'v' has shape \(2, 3\); cannot assign a "
                                         r"value of shape \(3,\)"):
        K.set_value(v, np.ones(3))
    with pytest.raises(TypeError, match="`set_value` needs a variable"):
        K.set_value(v * 2, np.ones((2, 3)))


def test_get_value_is_a_copy_that_later_updates_do_not_touch():
    v = K.variable(np.ones(4))
    snapshot = K.get_value(v)
    f = K.function([], [], updates=[(v, v + 1)])
    f([])
    f([])
    np.testing.assert_array_equal(snapshot, np.ones(4))
    np.testing.assert_array_equal(K.get_value(v), np.full(4, 3.0))


def test_eval_of_a_graph_needing_a_placeholder_names_it():
    x = K.placeholder(shape=(2,), name="x")
    with pytest.raises(ValueError, match="needs a value for placeholder 'x'"):
        K.eval(x * 2)


def test_float64_needs_x64_mode():
    with pytest.raises(ValueError, match="dtype='float64' needs JAX's 64-bit mode"):
        K.variable(np.zeros(2), dtype="float64")
    with pytest.raises(ValueError, match="Unknown `floatx` value"):
        K.set_floatx("float128")


def test_placeholder_needs_a_rank():
    with pytest.raises(ValueError, match="A placeholder needs its rank"):
        K.placeholder()
    assert K.int_shape(K.placeholder(ndim=3)) == (None, None, None)
    with pytest.raises(ValueError, match="Sparse placeholders are not supported"):
        K.placeholder(shape=(2,), sparse=True)


def test_random_ops_give_fresh_samples_and_seed_reproduces_them():
    noise = K.random_normal((3,))
    f = K.function([], [noise])
    nerve.utils.set_random_seed(1)
    first, second = f([])[0], f([])[0]
    assert not np.array_equal(first, second)
    nerve.utils.set_random_seed(1)
    np.testing.assert_array_equal(f([])[0], first)
    np.testing.assert_array_equal(f([])[0], second)
    assert f.compile_count == 1


def test_run_steps_scans_gathered_batches_in_one_program():
    x = K.placeholder(shape=(None, 2))
    scale = K.placeholder(shape=())
    total = K.variable(0.0)
    step_sum = K.sum(x) * scale
    f = K.function([x, scale], [step_sum], updates=[(total, total + step_sum)])
    data = np.arange(12, dtype="float32").reshape(6, 2)
    indices = np.array([[0, 1], [2, 3], [4, 5]])
    (sums,) = f.run_steps([data], indices, per_step=[np.array([1.0, 2.0, 3.0])])
    np.testing.assert_allclose(sums, [6.0, 2 * 22.0, 3 * 38.0])
    assert K.get_value(total) == 6.0 + 44.0 + 114.0
    f.run_steps([data], indices, per_step=[np.ones(3)])
    assert f.compile_count == 1
