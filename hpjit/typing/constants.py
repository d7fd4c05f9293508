"""Compile-time values of constant arguments (``by='k'``, ``ascending=[True, False]``, ...).

pandas' relational methods are driven by constants: the key names, directions and
options decide the result's type, so hpjit reads them from the argument types.
"""
from numba import types

from hpjit.core.pyobjects import register_type_constant
from hpjit.errors import user_error

NOT_CONSTANT = object()


def const_value(t, default=NOT_CONSTANT):
    """The Python value a literal-typed argument stands for, or ``NOT_CONSTANT``.

    ``default`` is returned for an argument left out (``None`` type or ``Omitted``).
    """
    if not isinstance(t, types.Type):  # an omitted argument's Python default
        return t
    if isinstance(t, types.NoneType):
        return None if default is NOT_CONSTANT else default
    if isinstance(t, types.Omitted):
        return t.value if default is NOT_CONSTANT else default
    if isinstance(t, (FloatConstantType, DictConstantType, ValueConstantType)):
        return t.value
    if isinstance(t, types.LiteralStrKeyDict):
        vals = {const_value(k) if isinstance(k, types.Type) else k: const_value(v)
                for k, v in t.literal_value.items()}
        return NOT_CONSTANT if any(v is NOT_CONSTANT for v in vals.values()) else vals
    if isinstance(t, types.DictType) and t.initial_value is not None:
        return dict(t.initial_value)
    if isinstance(t, types.Literal) and not isinstance(t, types.LiteralList):
        return t.literal_value
    if isinstance(t, types.LiteralList):
        vals = [const_value(x) for x in t.types]
        return NOT_CONSTANT if any(v is NOT_CONSTANT for v in vals) else vals
    if isinstance(t, types.List) and t.initial_value is not None:
        return list(t.initial_value)
    if isinstance(t, types.BaseTuple):
        vals = [const_value(x) for x in t]
        return NOT_CONSTANT if any(v is NOT_CONSTANT for v in vals) else tuple(vals)
    return NOT_CONSTANT


def required_const(t, name, what, default):
    """The value of constant argument ``t`` (``default`` when left out), or the user error
    ``<what>: hpjit needs a constant <name>``."""
    v = const_value(t, default)
    if v is NOT_CONSTANT:
        raise user_error(f"{what}: hpjit needs a constant {name}")
    return v


def const_names(t):
    """A constant column name or list of names as a tuple of str, or None."""
    v = const_value(t)
    if isinstance(v, str):
        return (v,)
    if isinstance(v, (list, tuple)) and v and all(isinstance(x, str) for x in v):
        return tuple(v)
    return None


class FloatConstant:
    """A float constant whose value the result's type depends on (``df.quantile(0.5)`` is a
    Series named 0.5); numba has no float literal types, so an untyped pass wraps the value."""

    def __init__(self, value):
        self.value = value


class FloatConstantType(types.Type):
    def __init__(self, value):
        self.value = value
        super().__init__(name=f"FloatConstant({value!r})")


class DictConstant:
    """A dict of constants passed to a method (``fillna({'f': 0.0, 'n': 0})``): numba types it
    ``DictType`` without its keys when the values are not all literals, so an untyped pass
    wraps it and the type carries the whole dict."""

    def __init__(self, value):
        self.value = value


class DictConstantType(types.Type):
    def __init__(self, value):
        self.value = value
        super().__init__(name=f"DictConstant({value!r})")


class ValueConstant:
    """Any constant argument (numbers including NaN, strings, lists of them) whose value the
    overload needs (``replace(np.nan, 0.0)``): numba types floats and lists without their
    values, so an untyped pass wraps them and the type carries the value."""

    def __init__(self, value):
        self.value = value


class ValueConstantType(types.Type):
    def __init__(self, value):
        self.value = value
        super().__init__(name=f"ValueConstant({value!r})")


def _register():
    register_type_constant(FloatConstant, FloatConstantType, lambda v: FloatConstantType(v.value))
    register_type_constant(DictConstant, DictConstantType, lambda v: DictConstantType(v.value))
    register_type_constant(ValueConstant, ValueConstantType, lambda v: ValueConstantType(v.value))


_register()
