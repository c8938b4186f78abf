"""Objects to and from tf-keras 2.x configs: `{"class_name": ..., "config": {...}}`.

Shared by activations, initializers, regularizers, constraints and layers.
Names resolve through `custom_objects`, then the global custom objects
(`get_custom_objects`, `custom_object_scope`), then the module's own objects.

Example:
>>> from nerve import initializers
>>> serialize_object(initializers.Constant(2.0))
{'class_name': 'Constant', 'config': {'value': 2.0}}
"""

import inspect

from nerve.utils import validation

_GLOBAL_CUSTOM_OBJECTS = {}


def get_custom_objects():
    """The global dict of custom objects, by name; update it to register your own."""
    return _GLOBAL_CUSTOM_OBJECTS


class CustomObjectScope:
    """Makes `custom_objects` known by name inside a `with` block.

    Example:
    >>> def cube(x):
    ...     return x**3
    >>> from nerve import activations
    >>> with custom_object_scope({"cube": cube}):
    ...     activations.get("cube") is cube
    True
    """

    def __init__(self, *custom_objects):
        self.custom_objects = custom_objects
        self._backup = None

    def __enter__(self):
        self._backup = dict(_GLOBAL_CUSTOM_OBJECTS)
        for objects in self.custom_objects:
            _GLOBAL_CUSTOM_OBJECTS.update(objects)
        return self

    def __exit__(self, *exc):
        _GLOBAL_CUSTOM_OBJECTS.clear()
        _GLOBAL_CUSTOM_OBJECTS.update(self._backup)


custom_object_scope = CustomObjectScope


def serialize_object(obj):
    """`{"class_name", "config"}` for an object with `get_config`; a function's name."""
    if obj is None:
        return None
    if hasattr(obj, "get_config"):
        return {"class_name": type(obj).__name__, "config": obj.get_config()}
    if hasattr(obj, "__name__"):
        return obj.__name__
    raise ValueError(
        f"Cannot serialize {obj!r}: it has neither a `get_config()` method nor a `__name__`."
    )


def deserialize_object(identifier, module_objects, custom_objects=None, kind="initializer"):
    """The object an identifier names.

    Args:
        identifier: a name (a class is instantiated without arguments, a function
            returned), a config dict (built with the class's `from_config`), or
            an object or callable (returned as it is). None gives None.
        module_objects: the known objects by name (class names and aliases).
        custom_objects: extra objects by name; these win over the known ones.
        kind: what the objects are, for error messages ("initializer", ...).

    Raises:
        ValueError: for an unknown name or a malformed identifier.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        if "class_name" not in identifier or "config" not in identifier:
            validation.fail(
                f"{kind} deserialization",
                "identifier",
                identifier,
                "a dict with the keys 'class_name' and 'config'",
            )
        name, config = identifier["class_name"], identifier["config"]
        if name == "function" and isinstance(config, str):
            # tf-keras >= 2.13 saves a function as {"class_name": "function", "config": name}.
            name, config = config, None
        obj = _lookup(name, module_objects, custom_objects, kind)
        if not inspect.isclass(obj):
            return obj
        if not hasattr(obj, "from_config"):
            return obj(**(config or {}))
        if "custom_objects" in inspect.signature(obj.from_config).parameters:
            return obj.from_config(config, custom_objects=custom_objects)
        return obj.from_config(config)
    if isinstance(identifier, str):
        obj = _lookup(identifier, module_objects, custom_objects, kind)
        return obj() if inspect.isclass(obj) else obj
    if callable(identifier):
        return identifier
    validation.fail(
        f"{kind} deserialization",
        "identifier",
        identifier,
        "a name, a config dict or a callable",
    )


def _lookup(name, module_objects, custom_objects, kind):
    for table in (custom_objects or {}, _GLOBAL_CUSTOM_OBJECTS, module_objects):
        if name in table:
            return table[name]
    known = ", ".join(repr(n) for n in sorted(module_objects))
    raise ValueError(
        f"Unknown {kind}: {name!r}. Known names: {known}. "
        "Pass your own through `custom_objects={'name': object}` or register them with "
        "`nerve.utils.serialization.custom_object_scope`."
    )


def get_object(identifier, deserialize, owner):
    """What `initializers.get`, `regularizers.get` and `constraints.get` share:
    None stays None, names and config dicts go through `deserialize`, a class is
    instantiated without arguments, a callable is returned as it is."""
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if inspect.isclass(identifier):
        return identifier()
    if callable(identifier):
        return identifier
    validation.fail(owner, "identifier", identifier, "None, a name, a config dict or a callable")
