"""Lambdas passed to pandas methods as data-less constants, so compiled code can be cached.

numba lowers a jitted function used as a value (``s.map(lambda x: ...)``) to the
address of its dispatcher object, a per-process pointer that makes the caller
uncacheable. hpjit never needs that object at run time: the overloads call the
function through its type. ``UdfRef`` wraps such a dispatcher; its type is a
``types.Dispatcher`` whose constant is a dummy value (see
``hpjit.transforms.udf_pass``).
"""
from numba import types

from hpjit.core.pyobjects import register_type_constant


class UdfRef:
    """A jitted user function referenced only by its compiled code."""

    def __init__(self, dispatcher):
        self.dispatcher = dispatcher


class UdfType(types.Dispatcher):
    """The type of a ``UdfRef``: callable like its dispatcher, with no run-time value."""

    def __init__(self, dispatcher):
        super().__init__(dispatcher)
        self.name = f"udf({dispatcher.py_func.__qualname__} at {id(dispatcher):#x})"


register_type_constant(UdfRef, UdfType, lambda val: UdfType(val.dispatcher))
