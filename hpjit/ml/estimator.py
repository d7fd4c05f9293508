"""scikit-learn estimators as values of compiled code.

An estimator is a struct whose numba type (:class:`EstimatorType`) carries its
scikit-learn class, its compile-time settings (string parameters such as
KMeans' ``init``) and its typed fields: the numeric parameters, then — once
fitted — the learned attributes (``coef_``, ``labels_``...). ``fit`` returns a
new value of the fitted type; the ``EstimatorFitPass`` rebinds ``est.fit(X)``
statements to it, so scikit-learn's mutate-in-place style compiles unchanged.

:func:`estimator_class` turns a class's ``__init__`` signature into the typed
constructor, refusing at compile time, by name, every parameter hpjit does not
implement when it is given a non-default value. A fitted estimator returned
from a jitted function is boxed into the real scikit-learn object.
"""
import inspect

import numpy as np
from numba import types
from numba.core import cgutils
from numba.core.imputils import impl_ret_borrowed, lower_getattr_generic
from numba.core.typing.templates import AttributeTemplate
from numba.extending import box, infer_getattr, intrinsic, models, overload, register_model

from hpjit.core.generated import gen_impl
from hpjit.core.pyobjects import call_py
from hpjit.errors import describe_attribute_errors, user_error
from hpjit.typing.constants import NOT_CONSTANT, const_value


class EstimatorType(types.Type):
    """``cls`` (the scikit-learn class), ``static``: ((name, constant), ...), ``fields``:
    ((name, numba type), ...); ``row_fields`` are fitted attributes with one entry per
    training row (split across ranks like X)."""

    def __init__(self, cls, static, fields, fitted=False, row_fields=()):
        self.cls = cls
        self.static = tuple(static)
        self.fields = tuple(fields)
        self.fitted = fitted
        self.row_fields = tuple(row_fields)
        settings = ", ".join(f"{k}={v!r}" for k, v in self.static)
        super().__init__(f"{cls.__name__}({settings}{'; fitted' if fitted else ''})"
                         f"[{', '.join(f'{k}: {t}' for k, t in self.fields)}]")

    @property
    def key(self):
        return self.cls, self.static, self.fields, self.fitted, self.row_fields

    def field_type(self, name):
        return dict(self.fields).get(name)

    def setting(self, name):
        return dict(self.static)[name]

    def with_fitted(self, fitted_fields, row_fields=()):
        return EstimatorType(self.cls, self.static, self.fields + tuple(fitted_fields), True,
                             row_fields)


@register_model(EstimatorType)
class _EstimatorModel(models.StructModel):
    def __init__(self, dmm, fe_type):
        super().__init__(dmm, fe_type, list(fe_type.fields))


@infer_getattr
class _EstimatorAttribute(AttributeTemplate):
    key = EstimatorType

    def generic_resolve(self, est, attr):
        if not attr.startswith("_"):
            return est.field_type(attr)
        return None


@lower_getattr_generic(EstimatorType)
def _lower_field(context, builder, typ, val, attr):
    st = cgutils.create_struct_proxy(typ)(context, builder, value=val)
    return impl_ret_borrowed(context, builder, typ.field_type(attr), getattr(st, attr))


def _describe(attr, typename):
    cls = typename.split("(", 1)[0]
    if attr.endswith("_") and "; fitted" not in typename:
        return (f"This {cls} instance is not fitted yet: call 'fit' before using '{attr}'")
    return f"'{cls}' object has no attribute '{attr}' in hpjit"


def _fill(context, builder, typ, st, start, values, values_t):
    for k, (name, t) in enumerate(typ.fields[start:start + len(values_t)]):
        v = context.cast(builder, builder.extract_value(values, k), values_t[k], t)
        context.nrt.incref(builder, t, v)
        setattr(st, name, v)


@intrinsic
def build_estimator(typingctx, typeref, values):
    """A new estimator of type ``typeref`` from the tuple of its field ``values``."""
    typ = typeref.instance_type

    def codegen(context, builder, sig, args):
        st = cgutils.create_struct_proxy(typ)(context, builder)
        _fill(context, builder, typ, st, 0, args[1], values.types)
        return st._getvalue()
    return typ(typeref, values), codegen


@intrinsic
def fitted_estimator(typingctx, est, typeref, values):
    """``est`` with its fitted attributes: a value of ``typeref`` (``est``'s type plus fields)."""
    typ = typeref.instance_type

    def codegen(context, builder, sig, args):
        old = cgutils.create_struct_proxy(est)(context, builder, value=args[0])
        st = cgutils.create_struct_proxy(typ)(context, builder)
        for name, t in est.fields:
            v = getattr(old, name)
            context.nrt.incref(builder, t, v)
            setattr(st, name, v)
        _fill(context, builder, typ, st, len(est.fields), args[2], values.types)
        return st._getvalue()
    return typ(est, typeref, values), codegen


@intrinsic
def estimator_fields(typingctx, est):
    """All of ``est``'s fields, in order, as a tuple (for rebuilding it with some replaced)."""
    tup = types.Tuple([t for _, t in est.fields])

    def codegen(context, builder, sig, args):
        st = cgutils.create_struct_proxy(est)(context, builder, value=args[0])
        vals = [getattr(st, name) for name, _ in est.fields]
        return context.make_tuple(builder, tup, vals)
    return tup(est), codegen


def to_sklearn(cls, static, names, values):
    """The scikit-learn object a compiled estimator stands for (parameters set, fitted
    attributes attached)."""
    params = dict(static)
    fitted = {}
    for name, value in zip(names, values):
        (fitted if name.endswith("_") else params)[name] = value
    est = cls(**params)
    for name, value in fitted.items():
        setattr(est, name, value)
    return est


@box(EstimatorType)
def _box_estimator(typ, val, c):
    st = cgutils.create_struct_proxy(typ)(c.context, c.builder, value=val)
    public = [(n, t) for n, t in typ.fields if not n.startswith("_")]
    items = []
    for name, t in public:
        v = getattr(st, name)
        c.context.nrt.incref(c.builder, t, v)
        items.append(c.box(t, v))
    values = c.pyapi.tuple_pack(items)
    for obj in items:
        c.pyapi.decref(obj)
    args = [c.pyapi.unserialize(c.pyapi.serialize_object(x)) for x in
            (typ.cls, typ.static, tuple(n for n, _ in public))]
    res = call_py(c, to_sklearn, *args, values)
    for obj in args + [values]:
        c.pyapi.decref(obj)
    return res


# --- constructors ---------------------------------------------------------------

#: how a supported parameter is held: a field of this numba type, or a compile-time setting
INT, FLOAT, BOOL, SETTING, INT_OR_NONE, INT_OR_AUTO, MATRIX_OR_SETTING = (
    "int", "float", "bool", "setting", "int_or_none", "int_or_auto", "matrix_or_setting")
_FIELD_TYPES = {INT: types.int64, FLOAT: types.float64, BOOL: types.boolean}
_CONVERT = {INT: "int({})", FLOAT: "float({})", BOOL: "bool({})"}
MATRIX = types.Array(types.float64, 2, "C")


def _is_default(value, default):
    if value is NOT_CONSTANT:
        return False
    try:
        return bool(value == default)
    except Exception:
        return False


def _holding(cls, name, kind, t):
    """('setting', value) or ('field', numba type, conversion source) for one parameter."""
    value = const_value(t)
    if kind == INT_OR_NONE and value is None:
        return "setting", None
    if kind == INT_OR_AUTO and value == "auto":
        return "setting", value
    if kind in (INT_OR_NONE, INT_OR_AUTO):
        kind = INT
    if kind == MATRIX_OR_SETTING and isinstance(t, types.Array):
        if t.ndim != 2:
            raise user_error(f"{cls.__name__}({name}=...) needs a 2-d array")
        return "field", MATRIX, "np.ascontiguousarray({}).astype(np.float64)"
    if kind in (SETTING, MATRIX_OR_SETTING):
        if value is NOT_CONSTANT:
            raise user_error(f"{cls.__name__}({name}=...) must be a constant in hpjit")
        return "setting", value
    if value is not NOT_CONSTANT and isinstance(value, str):
        raise user_error(f"{cls.__name__}({name}={value!r}) is not supported by hpjit")
    expected = (types.Integer, types.Boolean) if kind in (INT, BOOL) else types.Number
    bare = t.literal_type if isinstance(t, types.Literal) else t
    if isinstance(t, types.Type) and not isinstance(bare, expected):
        raise user_error(f"{cls.__name__}({name}=...) must be a number, not {t}")
    return "field", _FIELD_TYPES[kind], _CONVERT[kind]


def estimator_class(cls, supported, check=None):
    """Type ``cls(...)`` inside compiled code. ``supported``: {parameter: kind}; any other
    parameter must keep its default. ``check(settings)`` validates constant settings."""
    params = [p for p in inspect.signature(cls.__init__).parameters.values() if p.name != "self"]
    names = [p.name for p in params]
    defaults = {f"_d_{p.name}": p.default for p in params}
    arglist = ", ".join(f"{n}=_d_{n}" for n in names)

    def typer(*args):
        static, fields, items = [], [], []
        for name, t, p in zip(names, args, params):
            kind = supported.get(name)
            if kind is None:
                if not _is_default(const_value(t), p.default):
                    raise user_error(f"{cls.__name__}({name}=...) is not supported by hpjit "
                                     f"(only the default {p.default!r})")
                continue
            held = _holding(cls, name, kind, t)
            if held[0] == "setting":
                static.append((name, held[1]))
            else:
                fields.append((name, held[1]))
                items.append(held[2].format(name))
        if check is not None:
            check(dict(static))
        typ = EstimatorType(cls, static, fields)
        return gen_impl(f"def impl({arglist}):\n"
                        f"    return build_estimator(T, ({''.join(i + ', ' for i in items)}))\n",
                        T=typ, build_estimator=build_estimator, np=np, **defaults)

    ov = gen_impl(f"def impl({arglist}):\n    return typer({', '.join(names)})\n",
                  typer=typer, **defaults)
    overload(cls, prefer_literal=True)(ov)
    describe_attribute_errors(f"{cls.__name__}(")(_describe)
    return cls
