"""Importing this module registers the statistics overloads; ``register`` adds the
estimators' once the program has imported scikit-learn."""
import sys

from hpjit.ml import numpy_statistics, statistics  # noqa: F401  they need no scikit-learn

_registered = False


def register():
    """Type scikit-learn's estimators if the program uses scikit-learn (idempotent)."""
    global _registered
    if _registered or "sklearn" not in sys.modules:
        return
    from hpjit.ml import kmeans, linear_model  # noqa: F401  registers the overloads
    _registered = True
