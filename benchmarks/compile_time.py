"""Where a first call's compile time goes, by phase, for four kinds of user function.

    python benchmarks/compile_time.py [--cases process_times groupby_merge_sort tpch_q5 cell]

Each case runs in a fresh process (numba keeps compiled overloads for the life of a process,
so a second function would be cheaper than a user's first), twice: the table is the second
process, with hpjit's kernels on disk (``first_s_kernels_cold`` is the first process's first
call, which also compiled the kernels it reached, as on a fresh install). Time is split exclusively (a
nested compile's time is its own phases', not its caller's) into:

- numba other passes: bytecode to numba IR, SSA, closure inlining, rewrites, legalisation;
- type inference: typing the function's statements;
- overload templates: hpjit's typing functions (building each overload's implementation);
- hpjit passes: its rewrites, distribution analysis, the distributed rewrite, column pruning;
- parfor passes: numba's ``parallel=True`` pipeline (array analysis, parfor conversion, fusion);
- lowering: numba IR to LLVM IR (boxing and unboxing included);
- LLVM optimisation, and machine code (object emission and linking);

plus the number of functions numba compiled (one pipeline each: the user's function and every
overload implementation it reaches) and the LLVM functions and instructions it optimised.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time

HERE = os.path.dirname(os.path.abspath(__file__))

CASES = {
    "process_times": textwrap.dedent('''
        import pyarrow.parquet as pq
        sys.path.insert(0, {examples!r})
        import process_times as ex
        fn = ex.process_times.py_func
        '''),
    "groupby_merge_sort": textwrap.dedent('''
        def fn(df, dim):
            df = df[df.v > 0.1]
            g = df.groupby("k", as_index=False).agg(total=("v", "sum"), n=("v", "count"))
            m = g.merge(dim, on="k")
            return m.sort_values("total", ascending=False)
        args = (pd.DataFrame({{"k": np.arange(1000) % 37, "v": np.linspace(0, 1, 1000)}}),
                pd.DataFrame({{"k": np.arange(37), "name": [str(i) for i in range(37)]}}))
        '''),
    "tpch_q5": textwrap.dedent('''
        sys.path.insert(0, {tpch!r})
        import data
        os.environ["TPCH_DATA"] = data.generate(0.01, {tmp!r})
        import queries
        fn = queries.q5
        '''),
    "cell": textwrap.dedent('''
        def fn(df):
            df["x2"] = df.x * 2
            out = df[df.x2 > 1.0]
            return out.groupby("k")["x2"].mean()
        args = (pd.DataFrame({{"k": np.arange(100) % 7, "x": np.linspace(0, 2, 100)}}),)
        '''),
}

PROFILE = textwrap.dedent('''
    import json, os, sys, time
    import numpy as np
    import pandas as pd
    t0 = time.perf_counter()
    import hpjit
    t_import = time.perf_counter() - t0
    sys.path.insert(0, {here!r})
    from compile_time import Phases
    args = ()
    {case}
    phases = Phases()
    jitted = hpjit.jit(fn)
    with phases:
        t0 = time.perf_counter()
        jitted(*args)
        first = time.perf_counter() - t0
    t0 = time.perf_counter()
    jitted(*args)
    second = time.perf_counter() - t0
    print("RESULT " + json.dumps(dict(phases.report(), import_s=t_import, first_s=first,
                                      second_s=second)))
''')

#: numba pass class → phase, where the pass's module does not say (hpjit's passes do)
_TYPED = {"NopythonTypeInference", "PartialTypeInference"}
_LOWERING = {"NativeLowering", "NativeParforLowering", "NoPythonBackend", "ObjectModeBackEnd"}


class Phases:
    """Exclusive time per phase while active: wraps numba's pass runner, the overload template
    builder and the LLVM optimiser and emitter."""

    def __init__(self):
        self.totals = {}
        self.stack = []
        self.pipelines = 0
        self.llvm_functions = 0
        self.llvm_instructions = 0
        self._undo = []

    def _wrap(self, owner, name, label_of):
        original = getattr(owner, name)
        phases = self

        def wrapper(*args, **kwargs):
            label = label_of(args)
            phases.stack.append(0.0)
            t = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - t
                nested = phases.stack.pop()
                phases.totals[label] = phases.totals.get(label, 0.0) + elapsed - nested
                if phases.stack:
                    phases.stack[-1] += elapsed
        setattr(owner, name, wrapper)
        self._undo.append((owner, name, original))

    def __enter__(self):
        from numba.core import codegen, compiler, compiler_machinery
        from numba.core.typing import templates

        def pass_label(args):
            pss = args[2] if len(args) > 2 else None
            cls = pss if isinstance(pss, type) else type(pss)
            name = cls.__name__
            if cls.__module__.startswith("hpjit"):
                return "hpjit passes"
            if name in _TYPED:
                return "type inference"
            if name in _LOWERING:
                return "lowering"
            if "Parfor" in name:
                return "parfor passes"
            return "numba other passes"

        self._wrap(compiler_machinery.PassManager, "_runPass", pass_label)
        self._wrap(templates._OverloadFunctionTemplate, "_build_impl",
                   lambda a: "overload templates")
        lib = codegen.JITCodeLibrary
        self._wrap(lib, "_optimize_functions", lambda a: "LLVM optimisation")
        self._wrap(lib, "_optimize_final_module", lambda a: "LLVM optimisation")
        self._wrap(lib, "_finalize_specific", lambda a: "machine code")
        original_add = codegen.CPUCodeLibrary.add_ir_module
        phases = self

        def add_ir_module(lib, ir_module):
            for f in ir_module.functions:
                if not f.is_declaration:
                    phases.llvm_functions += 1
                    phases.llvm_instructions += sum(len(b.instructions) for b in f.blocks)
            return original_add(lib, ir_module)
        codegen.CPUCodeLibrary.add_ir_module = add_ir_module
        self._undo.append((codegen.CPUCodeLibrary, "add_ir_module", original_add))
        original_compile = compiler.compile_extra

        def compile_extra(*args, **kwargs):
            phases.pipelines += 1
            return original_compile(*args, **kwargs)
        compiler.compile_extra = compile_extra
        self._undo.append((compiler, "compile_extra", original_compile))
        return self

    def __exit__(self, *exc):
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)

    def report(self):
        return {"phases": {k: round(v, 3) for k, v in sorted(self.totals.items())},
                "pipelines": self.pipelines, "llvm_functions": self.llvm_functions,
                "llvm_instructions": self.llvm_instructions}


def run_case(name, tmp):
    src = PROFILE.format(here=HERE, case=CASES[name].format(
        examples=os.path.join(HERE, "..", "examples"), tpch=os.path.join(HERE, "tpch"), tmp=tmp))
    path = os.path.join(tmp, f"{name}.py")
    with open(path, "w") as f:
        f.write(src)
    out = subprocess.run([sys.executable, path], capture_output=True, text=True, timeout=1800)
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise RuntimeError(f"{name} failed:\n{out.stderr[-3000:]}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cases", nargs="*", default=list(CASES), choices=list(CASES))
    args = p.parse_args()
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.cases:
            # the first process may also compile hpjit's kernels (once per installation and
            # source version); the second shows what a new user function costs after that
            cold = run_case(name, tmp)
            rows[name] = dict(run_case(name, tmp), first_s_kernels_cold=cold["first_s"])
            print(name, json.dumps(rows[name]), flush=True)
    labels = sorted({k for r in rows.values() for k in r["phases"]})
    head = ["phase (s)"] + list(rows)
    print("\n| " + " | ".join(head) + " |\n|" + "---|" * len(head))
    for label in labels:
        print(f"| {label} | " + " | ".join(f"{r['phases'].get(label, 0):.2f}"
                                          for r in rows.values()) + " |")
    for key, fmt in (("first_s", "{:.2f}"), ("first_s_kernels_cold", "{:.2f}"),
                     ("second_s", "{:.4f}"), ("import_s", "{:.2f}"),
                     ("pipelines", "{}"), ("llvm_functions", "{}"), ("llvm_instructions", "{}")):
        print(f"| {key} | " + " | ".join(fmt.format(r[key]) for r in rows.values()) + " |")


if __name__ == "__main__":
    main()
