"""One clear exception for the user, instead of a numba traceback.

Overloads report unsupported or invalid pandas usage with :func:`user_error`,
which records the message before raising numba's ``TypingError``. numba wraps
that error in several layers of "No implementation of function ..." text; the
dispatcher (``hpjit.compiler``) unwraps it with :func:`reraise_clean`, keeping
the recorded message and the user's source line. ``HPJIT_DEBUG=1`` chains the
original numba error for hpjit's own developers.
"""
import inspect
import os
import re
import threading

from numba.core import errors as nb_errors

_state = threading.local()


class HpjitError(Exception):
    """A pandas program hpjit cannot compile or run, with the user's source line.

    An error found while running (a file that changed, a CSV field that does not parse)
    names the pandas ``calls`` it comes from (``("read_csv",)``): the dispatcher then cites
    the line of the user's function that makes that call.
    """

    def __init__(self, msg, calls=()):
        super().__init__(msg)
        self.calls = tuple(calls)


def call_site(py_func, calls):
    """'file:line' of the first line of ``py_func`` that calls one of ``calls``, or None."""
    try:
        lines, start = inspect.getsourcelines(py_func)
        filename = inspect.getsourcefile(py_func)
    except (OSError, TypeError):
        return None
    for k, line in enumerate(lines):
        if any(re.search(rf"\b{re.escape(c)}\s*\(", line) for c in calls):
            return f"{filename}:{start + k}"
    return None


def user_error(msg):
    """Return a TypingError for ``msg`` (raise it), remembering ``msg`` as the headline."""
    recorded = getattr(_state, "messages", None)
    if recorded is None:
        recorded = _state.messages = []
    recorded.append(msg)
    return nb_errors.TypingError(msg)


def attempt(fn, *args):
    """``fn(*args)``, or None where it refuses with a user error, which is then forgotten (a
    caller with another way to do it)."""
    before = list(getattr(_state, "messages", None) or [])
    try:
        return fn(*args)
    except nb_errors.TypingError:
        _state.messages = before
        return None


def clear_recorded():
    _state.messages = []


def _first_recorded():
    recorded = getattr(_state, "messages", None) or []
    return recorded[0] if recorded else None


def _location(exc):
    loc = getattr(exc, "loc", None)
    if loc is None or not getattr(loc, "filename", None):
        return None
    return f"{loc.filename}:{loc.line}"


def innermost_message(text):
    """The most specific line of a nested numba typing error."""
    m = re.findall(r"No implementation of function .*? found for signature:\s*\n\s*\n\s*>>> (.+)", text)
    if m:
        return f"no implementation for {m[-1].strip()}"
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(("TypingError:", "UnsupportedError:", "NumbaValueError:")):
            return stripped.split(":", 1)[1].strip()
    return _headline_text(text)


def _headline(exc):
    return _headline_text(str(exc))


def _headline_text(text):
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(("TypingError:", "UnsupportedError:", "NumbaValueError:")):
            return stripped.split(":", 1)[1].strip()
    first = text.strip().splitlines()
    skip = ("Failed in nopython mode pipeline", "Failed in hpjit mode pipeline",
            "No implementation of function")
    for line in first:
        if line.strip() and not line.startswith(skip):
            return line.strip()
    return text.strip()


_UNKNOWN_ATTR = re.compile(r"Unknown attribute '(\w+)' of type (.+?)(?:\n|$)")
_DESCRIBERS = {}


def describe_attribute_errors(prefix):
    """Register ``fn(attr, typename) -> message or None`` for types whose name starts with ``prefix``."""
    def register(fn):
        _DESCRIBERS[prefix] = fn
        return fn
    return register


def unknown_attribute_message(text):
    """A user-facing message for numba's "Unknown attribute 'x' of type T" in ``text``, or None."""
    m = _UNKNOWN_ATTR.search(text)
    if not m:
        return None
    attr, typename = m.group(1), m.group(2).strip()
    for prefix, fn in _DESCRIBERS.items():
        if typename.startswith(prefix):
            return fn(attr, typename)
    return None


def clean_message(exc, func_name):
    """The message of the :class:`HpjitError` for numba compile error ``exc``, naming the
    user's function and line. numba keeps a failed compile's exception and raises it again on
    the next call with the same types, without typing again (so nothing is recorded then):
    the message found the first time stays on it."""
    msg = getattr(exc, "hpjit_message", None) or _first_recorded() or \
        unknown_attribute_message(str(exc)) or _headline(exc)
    exc.hpjit_message = msg
    loc = _location(exc)
    clear_recorded()
    return msg + (f" (in {func_name}, {loc})" if loc else f" (in {func_name})")


def reraise_clean(exc, func_name):
    """Raise an :class:`HpjitError` for a numba compile error ``exc``."""
    msg = clean_message(exc, func_name)
    if os.environ.get("HPJIT_DEBUG"):
        raise HpjitError(msg) from exc
    raise HpjitError(msg) from None
