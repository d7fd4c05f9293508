"""Layer 5: compiler passes that rewrite numba IR (the distributed forms they substitute are
in ``transforms/distributed/``, layer 4)."""
