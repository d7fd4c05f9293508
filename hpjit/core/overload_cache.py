"""One implementation per overload call: numba's template cache, keyed so that lowering finds
what typing built.

numba types a call of an ``@overload``/``@overload_method`` by building the implementation for
the argument types as written, positional and keyword (``_OverloadFunctionTemplate._get_impl``
caches it under both), and compiles it for the folded signature (keywords put in place,
defaults ``Omitted``). Lowering a method call asks the template again with the folded
signature and no keywords, misses the cache, runs the overload function a second time and
compiles a second dispatcher for the same types. Every method called with a keyword
(``merge(left_on=...)``, ``groupby(as_index=False)``, ``sort_values(ascending=...)``)
compiled its implementation twice.

Here a built implementation is also cached under its folded signature, so lowering reuses it
(the same implementation typing used, not a second one built from ``Omitted`` types). Replaces
one method of numba's template class (``numba.core.typing.templates``) for the numba minor
version hpjit pins, once, before anything compiles.
"""
from numba.core import types
from numba.core.typing.templates import _OverloadFunctionTemplate

_BUILD = _OverloadFunctionTemplate._build_impl


def _build_impl(self, cache_key, args, kws):
    disp, new_args = _BUILD(self, cache_key, args, kws)
    if disp is not None and cache_key is not None and kws:
        sig = types.Dispatcher(disp).get_call_type(self.context, new_args, kws)
        if sig is not None:
            context, _, _, flags = cache_key
            self._impl_cache.setdefault((context, tuple(sig.args), (), flags),
                                        (disp, tuple(sig.args)))
    return disp, new_args


def install():
    _OverloadFunctionTemplate._build_impl = _build_impl
