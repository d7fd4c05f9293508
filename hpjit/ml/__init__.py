"""Analytics inside ``@hpjit.jit``: scikit-learn estimators compiled and distributed.

scikit-learn is optional (``pip install hpjit[ml]``). Its estimators are typed
only when the user's program has imported it: :func:`register` runs before each
compilation and imports the estimator overloads once ``sklearn`` is loaded.
"""
import sys

from hpjit.ml import numpy_statistics, statistics  # noqa: F401  need no scikit-learn

_registered = False


def register():
    """Type scikit-learn's estimators if the program uses scikit-learn (idempotent)."""
    global _registered
    if _registered or "sklearn" not in sys.modules:
        return
    from hpjit.ml import kmeans, linear_model  # noqa: F401  registers the overloads
    _registered = True
