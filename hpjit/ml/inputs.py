"""Estimator inputs as scikit-learn sees them: X a C-ordered float64 matrix, y a float vector.

Frames and series are accepted as scikit-learn accepts them. Conversions copy
only when the input is not already float64 in the right layout. The checks
(``Input X contains NaN.`` and the like) are scikit-learn's, raised on every
rank: each rank checks its rows and the ranks agree through ``comm``.
"""
import numpy as np
from numba import njit, types
from numba.extending import overload

from hpjit.errors import user_error
from hpjit.ml.comm import comm_any
from hpjit.ml.kernel import kernel
from hpjit.typing.dataframe import DataFrameType
from hpjit.typing.frame_numpy import frame_matrix_impl, matrix_dtype
from hpjit.typing.series import SeriesType


def as_matrix(X):
    """X as a C-ordered 2-d float64 array."""


def as_vector(y):
    """y as a 1-d array (float64 for regression targets)."""


def as_labels(y):
    """Class labels as a 1-d array of their own dtype."""


def label_dtype(y, what):
    """The dtype of class labels ``y`` (a numba type), or a compile-time error from ``what``."""
    t = y.data if isinstance(y, SeriesType) else y
    if not (isinstance(t, types.Array) and t.ndim == 1 and
            isinstance(t.dtype, (types.Integer, types.Float, types.Boolean))):
        raise user_error(f"{what}: y must be a 1-d numeric array or Series (int, float or bool "
                         f"labels), not {y}")
    return t.dtype


@overload(as_labels)
def _as_labels(y):
    label_dtype(y, "fit")
    if isinstance(y, SeriesType):
        return lambda y: y._data
    return lambda y: y


@overload(as_matrix)
def _as_matrix(X):
    if isinstance(X, DataFrameType):
        to_array = njit(frame_matrix_impl(X, "to_numpy()"), parallel=True)
        if matrix_dtype(X, "to_numpy()") == np.float64:
            return lambda X: to_array(X)
        return lambda X: to_array(X).astype(np.float64)
    if isinstance(X, types.Array) and X.ndim == 2:
        if X.dtype == types.float64 and X.layout == "C":
            return lambda X: X
        return lambda X: np.ascontiguousarray(X).astype(np.float64)
    if isinstance(X, (types.Array, SeriesType)):
        raise user_error("Expected a 2D array, got a 1D array instead: reshape it with "
                         "X.reshape(-1, 1) or pass a frame of columns")
    raise user_error(f"X must be a 2-d array or a DataFrame, not {X}")


@overload(as_vector)
def _as_vector(y):
    if isinstance(y, SeriesType) and isinstance(y.data, types.Array):
        return lambda y: y._data.astype(np.float64)
    if isinstance(y, types.Array) and y.ndim == 1:
        if y.dtype == types.float64:
            return lambda y: y
        return lambda y: y.astype(np.float64)
    if isinstance(y, types.Array) and y.ndim == 2:
        raise user_error("hpjit's estimators take a 1-d y (one target)")
    raise user_error(f"y must be a 1-d numeric array or Series, not {y}")


@kernel
def _count_bad(a):
    """(number of NaN, number of infinities) in ``a`` (any shape)."""
    flat = a.ravel()
    nan = 0
    inf = 0
    for i in range(flat.size):
        v = flat[i]
        if v != v:
            nan += 1
        elif v == np.inf or v == -np.inf:
            inf += 1
    return nan, inf


def check_finite(comm, a, name):
    """scikit-learn's check: ValueError on every rank when any rank's ``a`` has NaN or inf."""


@overload(check_finite, prefer_literal=True)
def _check_finite(comm, a, name):
    label = name.literal_value
    nan_msg = f"Input {label} contains NaN."
    inf_msg = f"Input {label} contains infinity or a value too large for dtype('float64')."

    def impl(comm, a, name):
        nan, inf = _count_bad(a)
        if comm_any(comm, nan > 0):
            raise ValueError(nan_msg)
        if comm_any(comm, inf > 0):
            raise ValueError(inf_msg)
    return impl


def check_samples(comm, n_local, y_len, cls_name):
    """scikit-learn's checks of the sample count: X and y agree, at least one sample overall."""


@overload(check_samples, prefer_literal=True)
def _check_samples(comm, n_local, y_len, cls_name):
    empty_msg = (f"Found array with 0 sample(s) while a minimum of 1 is required by "
                 f"{cls_name.literal_value}.")

    def impl(comm, n_local, y_len, cls_name):
        if comm_any(comm, n_local != y_len):
            raise ValueError("Found input variables with inconsistent numbers of samples")
        if not comm_any(comm, n_local > 0):
            raise ValueError(empty_msg)
    return impl
