"""Differential fuzzing: random pandas programs run by hpjit and by pandas, compared.

``programs`` builds user-style programs from the operations hpjit declares
(``hpjit.typing.operations.OPERATIONS``) plus the grammar every program uses (column
selection, filters, arithmetic, assignment), typing each step by running it in pandas;
``frames`` makes their inputs; ``check`` runs one program both ways, classifies the outcome
and shrinks a failure to a runnable repro; ``worker`` does the same on every rank under
``mpiexec``. ``python -m tests.fuzz --minutes 30 [--ranks 2]`` is the long run;
``tests/test_fuzz.py`` runs fixed seeds and every program ever found failing (``found``).
"""
