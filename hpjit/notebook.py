"""IPython face: ``%load_ext hpjit``, the ``%%hpjit`` cell magic and ``%hpjit_explain``.

``%%hpjit -n N`` runs the cell on a pool of N MPI ranks (``hpjit.notebook_pool``).

``%%hpjit`` on a cell that only defines functions compiles each of them with
``hpjit.jit``. A cell of plain statements is compiled as one function: names it
reads that hold data (frames, series, arrays, numbers, strings) become its
arguments, other free names (modules, functions) are its globals, and the names
it assigns flow back to the notebook; a final expression is the cell's value.
``-t`` prints compile and run time on one line.
"""


from hpjit.notebook_cells import compile_cell
from hpjit.notebook_pool import run_on_pool, stop_pool


def explain(func):
    """The distribution report of a compiled function, as text lines."""
    lines = []
    for sig, cres in func.dispatcher.overloads.items():
        report = (cres.metadata or {}).get("hpjit_distribution")
        lines.append(f"{func.py_func.__qualname__}{tuple(sig)}:")
        lines += ["  one process: nothing is distributed"] if report is None else \
            ["  " + r for r in report]
    return lines or [f"{func.py_func.__qualname__}: not compiled yet (call it first)"]


def load_ipython_extension(ipython):
    from IPython.core.magic import Magics, cell_magic, line_magic, magics_class
    from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

    @magics_class
    class HpjitMagics(Magics):
        @magic_arguments()
        @argument("-t", "--time", action="store_true", help="print compile and run time")
        @argument("-n", "--ranks", type=int, default=0,
                  help="run on a pool of N MPI ranks, kept alive between cells")
        @cell_magic
        def hpjit(self, line, cell):
            """Compile and run the cell with hpjit."""
            args = parse_argstring(self.hpjit, line)
            if args.ranks:
                return run_on_pool(args.ranks, cell, self.shell.user_ns, timing=args.time)
            return compile_cell(cell, self.shell.user_ns, timing=args.time)

        @line_magic
        def hpjit_workers(self, line):
            """``%hpjit_workers stop`` ends the MPI worker pool."""
            if line.strip() != "stop":
                raise ValueError("usage: %hpjit_workers stop")
            stop_pool()

        @line_magic
        def hpjit_explain(self, line):
            """Each variable's distribution in a compiled function (``%hpjit_explain f``)."""
            func = self.shell.user_ns[line.strip()]
            lines = explain(func)
            try:
                from IPython.display import HTML, display
                if getattr(self.shell, "kernel", None) is not None:
                    rows = "".join(f"<tr><td><pre>{r}</pre></td></tr>" for r in lines)
                    display(HTML(f"<table>{rows}</table>"))
                    return None
            except ImportError:
                pass
            print("\n".join(lines))

    ipython.register_magics(HpjitMagics)
