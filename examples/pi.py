"""Monte Carlo estimate of pi with numpy: the arrays are born split across ranks.

Run:  python examples/pi.py  |  mpirun -n 4 python examples/pi.py
Each rank draws its share of the points; np.sum becomes a local sum plus an allreduce.
"""
import time

import numpy as np

import hpjit


@hpjit.jit
def calc_pi(n):
    x = 2 * np.random.ranf(n) - 1
    y = 2 * np.random.ranf(n) - 1
    return 4 * np.sum(x ** 2 + y ** 2 < 1) / n


if __name__ == "__main__":
    n = 20_000_000
    calc_pi(1000)
    t0 = time.perf_counter()
    pi = calc_pi(n)
    elapsed = time.perf_counter() - t0
    if hpjit.get_rank() == 0:
        print(f"pi ~ {pi:.5f} from {n:,} points on {hpjit.get_size()} rank(s) in {elapsed:.3f} s")
