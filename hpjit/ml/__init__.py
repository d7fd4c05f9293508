"""Analytics inside ``@hpjit.jit``: scikit-learn estimators compiled and distributed.

scikit-learn is optional (``pip install hpjit[ml]``). Its estimators are typed
only when the user's program has imported it: ``hpjit.ml.overloads.register`` runs before each
compilation and imports the estimator overloads once ``sklearn`` is loaded.
"""
