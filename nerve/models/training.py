"""The training engine: `compile`, `fit`, `evaluate`, `predict` and the `*_on_batch` trio.

As in Keras 2 on Theano, a training step is one compiled function with
updates: the loss graph, `optimizer.get_updates(loss, params)`, metric
updates. `fit` runs many steps per call (`Function.run_steps`, a `lax.scan`
over batches gathered on the device), the ragged last batch padded and
masked, so one program serves every epoch.
"""

import time

import numpy as np

from nerve import backend as K
from nerve.compile import Function
from nerve.graph.traversal import clone
from nerve.models import data as data_utils


class Trainer:
    """Mixed into `Model`: everything about training and inference on arrays."""

    _is_compiled = False
    _metric_objects = None

    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                weighted_metrics=None, **kwargs):
        """Sets the optimizer, the loss per output and the metrics to report."""
        from nerve import losses, optimizers

        for key in ("run_eagerly", "jit_compile", "steps_per_execution", "sample_weight_mode"):
            kwargs.pop(key, None)  # accepted for compatibility: nerve always compiles
        if kwargs:
            raise TypeError(f"Invalid keyword argument(s) to `compile`: {sorted(kwargs)}")
        if loss is None:
            raise ValueError("`compile` needs a `loss`, e.g. loss='categorical_crossentropy'.")
        self.optimizer = optimizers.get(optimizer)
        self.loss = loss
        self._loss_fns = [losses.get(item) for item in self._per_output(loss, "loss")]
        weights = self._per_output(1.0 if loss_weights is None else loss_weights, "loss_weights")
        self._loss_weights = [float(w) for w in weights]
        self._metric_specs = [list(m or []) for m in self._per_output_metrics(metrics)]
        self._weighted_specs = [list(m or []) for m in self._per_output_metrics(weighted_metrics)]
        self._functions = {}
        self._metric_objects = None
        self.stop_training = False
        self._is_compiled = True

    def _per_output(self, value, what):
        names = self.output_names
        if isinstance(value, dict):
            unknown = sorted(set(value) - set(names))
            if unknown:
                raise ValueError(
                    f"Unknown output name(s) {unknown} in `{what}`. The model's outputs are "
                    f"{names}."
                )
            return [value.get(name) for name in names]
        if isinstance(value, (list, tuple)) and what != "metrics":
            if len(value) != len(names):
                raise ValueError(
                    f"`{what}` has {len(value)} entries but the model has {len(names)} "
                    f"output(s) ({', '.join(names)}). Pass one per output, or a dict by name."
                )
            return list(value)
        return [value] * len(names)

    def _per_output_metrics(self, metrics):
        names = self.output_names
        if metrics is None:
            return [[] for _ in names]
        if isinstance(metrics, dict):
            return self._per_output(metrics, "metrics")
        if len(names) > 1 and metrics and all(isinstance(m, (list, tuple)) for m in metrics):
            if len(metrics) != len(names):
                raise ValueError(
                    f"`metrics` has {len(metrics)} lists but the model has {len(names)} outputs."
                )
            return list(metrics)
        return [list(metrics) for _ in names]

    # Building the compiled programs.

    def _build_metrics(self, targets):
        from nerve import metrics as metrics_module

        built = []
        multi = len(self.outputs) > 1
        for i, (out, target) in enumerate(zip(self.outputs, targets)):
            for spec, weighted in [(s, False) for s in self._metric_specs[i]] + [
                (s, True) for s in self._weighted_specs[i]
            ]:
                if isinstance(spec, str) and spec in ("accuracy", "acc"):
                    metric = metrics_module.resolve_accuracy(
                        spec, self._loss_fns[i], K.int_shape(target), K.int_shape(out))
                else:
                    metric = metrics_module.get(spec)
                    if not hasattr(metric, "update_state"):
                        metric = metrics_module.MeanMetricWrapper(
                            metric, name=getattr(metric, "__name__", str(spec)))
                prefix = f"{self.output_names[i]}_" if multi else ""
                name = prefix + ("weighted_" if weighted else "") + metric.name
                built.append((i, metric, name, weighted))
        return built

    def _function(self, kind, y_arrays=None):
        """The compiled program for `kind` ('train', 'test' or 'predict'), built once."""
        signature = (kind,) + tuple(
            (a.shape[1:], a.dtype.kind in "iu") for a in (y_arrays or []))
        functions = self.__dict__.setdefault("_functions", {})  # predict needs no compile
        fn = functions.get(signature)
        if fn is not None:
            return fn
        if kind == "predict":
            # Inference leaves every variable alone, so threads may share it.
            fn = Function(self.inputs + [K.learning_phase()], self.outputs,
                          name=f"{self.name} predict", advance_rng=False)
            functions[signature] = fn
            return fn
        placeholders = [
            K.placeholder(shape=(None,) + a.shape[1:],
                          dtype="int32" if a.dtype.kind in "iu" else K.floatx(),
                          name=f"{name}_target")
            for a, name in zip(y_arrays, self.output_names)
        ]
        weights = [K.placeholder(shape=(None,), name=f"{n}_sample_weights")
                   for n in self.output_names]
        mask = K.placeholder(shape=(None,), name="batch_mask")
        count = K.sum(mask)
        denominator = K.maximum(count, 1.0)
        total, per_output = 0.0, []
        # (n,) targets of (n, 1) outputs line up as (n, 1), as in tf-keras.
        targets = [K.expand_dims(t, -1) if K.ndim(t) == 1 and K.ndim(out) == 2 else t
                   for t, out in zip(placeholders, self.outputs)]
        for out, target, weight, loss_fn, lw in zip(self.outputs, targets, weights,
                                                    self._loss_fns, self._loss_weights):
            # A Loss object's `call` gives per-sample values; weights and the
            # padding mask are applied here.
            values = loss_fn.call(target, out) if hasattr(loss_fn, "call") else (
                loss_fn(target, out))
            while K.ndim(values) > 1:
                values = K.mean(values, axis=-1)
            output_loss = K.sum(values * weight * mask) / denominator
            per_output.append(output_loss)
            total = total + lw * output_loss
        for penalty in self.losses:
            total = total + penalty
        trackers = self._trackers()
        updates = []
        tracked = [total] + (per_output if len(per_output) > 1 else [])
        for (sum_var, count_var), value in zip(trackers, tracked):
            updates += [(sum_var, sum_var + value * count), (count_var, count_var + count)]
        if self._metric_objects is None:
            self._metric_objects = self._build_metrics(targets)
        for i, metric, _, weighted in self._metric_objects:
            sample_weight = weights[i] * mask if weighted else mask
            updates += metric.update_state(targets[i], self.outputs[i], sample_weight)
        if kind == "train":
            updates += self.optimizer.get_updates(total, self.trainable_weights)
            updates += list(self.updates)
        results = [s / K.maximum(c, 1.0) for s, c in trackers]
        results += [metric.result() for _, metric, _, _ in self._metric_objects]
        # Report the values after this step's updates, computed in the same program.
        results = clone(results, {id(var): value for var, value in updates})
        inputs = self.inputs + placeholders + weights + [mask, K.learning_phase()]
        fn = K.function(inputs, results, updates=updates, name=f"{self.name} {kind}")
        functions[signature] = fn
        return fn

    def _trackers(self):
        if getattr(self, "_tracker_vars", None) is None:
            n = 1 + (len(self.outputs) if len(self.outputs) > 1 else 0)
            self._tracker_vars = [(K.variable(0.0), K.variable(0.0)) for _ in range(n)]
        return self._tracker_vars

    @property
    def metrics_names(self):
        names = ["loss"]
        if len(self.outputs) > 1:
            names += [f"{n}_loss" for n in self.output_names]
        if self._metric_objects is not None:
            names += [name for _, _, name, _ in self._metric_objects]
        return names

    def reset_metrics(self):
        for sum_var, count_var in self._trackers():
            K.set_value(sum_var, 0.0)
            K.set_value(count_var, 0.0)
        for _, metric, _, _ in self._metric_objects or []:
            metric.reset_state()

    # Running them.

    def _check_compiled(self, what):
        if not self._is_compiled:
            raise RuntimeError(
                f"You must compile the model before calling `{what}`: "
                "`model.compile(optimizer, loss)`."
            )

    def _arrays(self, x, y=None, sample_weight=None):
        xs = data_utils.to_arrays(x, self.input_names, "x")
        data_utils.check_input_shapes(xs, self.inputs, self.input_names)
        if y is None:
            return xs, None, None
        ys = data_utils.to_arrays(y, self.output_names, "y")
        if sample_weight is None:
            sws = [np.ones(len(ys[0]), np.float32) for _ in ys]
        else:
            sws = data_utils.to_arrays(sample_weight, self.output_names, "sample_weight")
        data_utils.check_lengths({"x": xs, "y": ys, "sample_weight": sws})
        for loss_fn, y_array, out in zip(self._loss_fns, ys, self.outputs):
            _check_targets(loss_fn, y_array, out)
        return xs, [_as_target(a) for a in ys], [np.asarray(w, np.float32) for w in sws]

    def _run(self, kind, sources, n, batch_size, shuffle=False, hooks=None):
        """Runs `kind`'s program over all `n` samples; returns the last call's outputs.

        Without `hooks` the whole pass is one call; with `(before, after, k)` hooks
        each call runs `k` steps (1 for callbacks that need every batch), and the
        hooks hear the first and last step of each call. For evaluation and
        prediction a ragged last batch is padded and masked; in training it runs
        as a call of its own at its real size, since batch statistics
        (BatchNormalization) must see real samples only. Either way the programs
        are compiled once per fit, never per epoch.
        """
        fn = self._function(kind, sources[len(self.inputs):len(self.inputs) + len(self.outputs)]
                            if kind != "predict" else None)
        indices, mask = data_utils.batch_indices(n, batch_size, shuffle)
        phase = 1 if kind == "train" else 0
        tail = n % batch_size if kind == "train" else 0
        full = len(indices) - (1 if tail else 0)
        chunk = hooks[2] if hooks is not None else max(full, 1)
        planned = kind == "train" and hooks is None and full > 1
        if planned:  # scanned or step by step: measured per model (see stepping.py)
            key = (batch_size, full)
            chunk = self._planner().chunk(key, full)
            started = self._planner().start()
        calls = [(start, slice(start, min(start + chunk, full)), slice(None))
                 for start in range(0, full, chunk)]
        if tail:
            calls.append((full, slice(full, full + 1), slice(0, tail)))
        outputs = None
        for start, steps, rows in calls:
            step_indices = indices[steps, rows]
            extra = [mask[steps, rows]] if kind != "predict" else []
            if hooks is not None:
                hooks[0](start)
            outputs = fn.run_steps(sources, step_indices, per_step=extra,
                                   learning_phase=phase)
            if planned and start < full:
                self._planner().step_done(key, start, chunk, started)
                if start + len(step_indices) == full:
                    self._planner().done(key, chunk, full, started)
            if hooks is not None and hooks[1](start + len(step_indices) - 1, outputs):
                break
        return outputs

    def _planner(self):
        from nerve.models.stepping import StepPlanner

        return self.__dict__.setdefault("_step_planner", StepPlanner())

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False):
        """The loss (and metrics) on `x`, `y`: a scalar without metrics, else a list."""
        from nerve.models import streams

        self._check_compiled("evaluate")
        start = time.perf_counter()
        if streams.is_stream(x):
            self.reset_metrics()
            logs = self._logs_of(streams.run(self, "test", x, steps))
        else:
            xs, ys, sws = self._arrays(x, y, sample_weight)
            logs = self._evaluate_arrays(xs, ys, sws, batch_size or 32)
            steps = -(-len(xs[0]) // (batch_size or 32))
        _report(verbose, steps, start, logs)
        if return_dict:
            return logs
        values = [logs[name] for name in self.metrics_names]
        return values[0] if len(values) == 1 else values

    def _evaluate_arrays(self, xs, ys, sws, batch_size):
        self.reset_metrics()
        return self._logs_of(self._run("test", xs + ys + sws, len(xs[0]), batch_size))

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The model's outputs for `x`, computed in batches (inference mode)."""
        from nerve.models import streams

        start = time.perf_counter()
        if streams.is_stream(x):
            results = streams.run(self, "predict", x, steps)
        else:
            xs, _, _ = self._arrays(x)
            n = len(xs[0])
            batch_size = min(batch_size or 32, n)
            outputs = self._run("predict", xs, n, batch_size)
            results = [o.reshape((-1,) + o.shape[2:])[:n] for o in outputs]
            steps = -(-n // batch_size)
        _report(verbose, steps, start)
        return results[0] if len(results) == 1 else results

    def predict_on_batch(self, x):
        size = len(data_utils.to_arrays(x, self.input_names, "x")[0])
        return self.predict(x, batch_size=size, verbose=0)

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None,
                       reset_metrics=True, return_dict=False):
        """One training step on exactly this batch."""
        return self._on_batch("train", x, y, sample_weight, reset_metrics, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, reset_metrics=True,
                      return_dict=False):
        return self._on_batch("test", x, y, sample_weight, reset_metrics, return_dict)

    def _on_batch(self, kind, x, y, sample_weight, reset_metrics, return_dict):
        self._check_compiled(f"{kind}_on_batch")
        xs, ys, sws = self._arrays(x, y, sample_weight)
        if reset_metrics or self._metric_objects is None:
            self._function(kind, ys)
            self.reset_metrics()
        outputs = self._run(kind, xs + ys + sws, len(xs[0]), len(xs[0]))
        logs = {name: float(o[-1]) for name, o in zip(self.metrics_names, outputs)}
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1, **kwargs):
        """Trains for `epochs` epochs; returns the `History`."""
        from nerve.models import fitting

        self._check_compiled("fit")
        if kwargs:
            raise TypeError(f"Invalid keyword argument(s) to `fit`: {sorted(kwargs)}")
        return fitting.fit(self, x, y, batch_size or 32, epochs, verbose, callbacks,
                           validation_split, validation_data, shuffle, class_weight,
                           sample_weight, initial_epoch, steps_per_epoch, validation_steps,
                           validation_batch_size, validation_freq)

    # Keras 2.2's names for data from generators.

    def fit_generator(self, generator, steps_per_epoch=None, epochs=1, verbose=1,
                      callbacks=None, validation_data=None, validation_steps=None,
                      class_weight=None, initial_epoch=0, **kwargs):
        for key in ("max_queue_size", "workers", "use_multiprocessing", "shuffle"):
            kwargs.pop(key, None)
        return self.fit(generator, steps_per_epoch=steps_per_epoch, epochs=epochs,
                        verbose=verbose, callbacks=callbacks, validation_data=validation_data,
                        validation_steps=validation_steps, class_weight=class_weight,
                        initial_epoch=initial_epoch, **kwargs)

    def evaluate_generator(self, generator, steps=None, verbose=0, **kwargs):
        return self.evaluate(generator, steps=steps, verbose=verbose)

    def predict_generator(self, generator, steps=None, verbose=0, **kwargs):
        return self.predict(generator, steps=steps, verbose=verbose)

    def _logs_of(self, outputs):
        return {name: float(o[-1]) for name, o in zip(self.metrics_names, outputs)}


def _report(verbose, steps, start, logs=None):
    """The one progress line of `evaluate` and `predict` (verbose 1, or 'auto')."""
    if verbose in (1, True, "auto"):
        from nerve.callbacks.progbar import final_line

        print(final_line(steps, time.perf_counter() - start, logs), flush=True)


def _as_target(array):
    if array.dtype.kind in "iu":
        return array.astype(np.int32, copy=False)
    return array.astype(K.floatx(), copy=False) if array.dtype.kind in "fb" else array


def _check_targets(loss_fn, y, output):
    name = getattr(loss_fn, "__name__", getattr(loss_fn, "name", ""))
    classes = K.int_shape(output)[-1]
    if name in ("categorical_crossentropy", "CategoricalCrossentropy") and (
        y.ndim != len(K.int_shape(output)) or y.shape[-1] != classes
    ):
        raise ValueError(
            f"categorical_crossentropy expects one-hot targets of shape (n, {classes}), "
            f"but received targets of shape {y.shape}. Convert integer labels with "
            "`nerve.utils.to_categorical(y, num_classes)`, or use "
            "loss='sparse_categorical_crossentropy'."
        )
    if name in ("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy") and (
        classes is not None and (y.min() < 0 or y.max() >= classes)
    ):
        raise ValueError(
            f"sparse_categorical_crossentropy expects integer labels in [0, {classes - 1}], "
            f"but the targets range from {y.min()} to {y.max()}."
        )
