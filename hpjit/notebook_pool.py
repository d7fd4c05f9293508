"""The notebook side of ``%%hpjit -n N``: a pool of MPI ranks kept alive between cells."""
import ast
import os
import socket
import subprocess
import sys
import types

from hpjit.notebook_cells import _DATA, _names
from hpjit.notebook_worker import recv, send

_POOL = {}


class WorkerPool:
    """``mpiexec -n N python -m hpjit.notebook_worker`` with rank 0 connected over localhost."""

    def __init__(self, n):
        self.n = n
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        server.settimeout(120)
        mpiexec = os.path.join(os.path.dirname(sys.executable), "mpiexec")
        self.proc = subprocess.Popen(
            [mpiexec, "-n", str(n), sys.executable, "-m", "hpjit.notebook_worker",
             str(server.getsockname()[1])],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        try:
            self.sock, _ = server.accept()
        except socket.timeout:
            self.stop()
            raise RuntimeError(f"hpjit: the {n}-rank worker pool did not start") from None
        finally:
            server.close()
        self.sock.settimeout(None)
        recv(self.sock)

    def alive(self):
        return self.proc.poll() is None

    def run(self, cell, user_ns, timing):
        tree = ast.parse(cell)
        reads, assigned = _names(tree)
        inputs = {n: user_ns[n] for n in reads if isinstance(user_ns.get(n), _DATA)}
        modules = {n: user_ns[n].__name__ for n in reads
                   if isinstance(user_ns.get(n), types.ModuleType)}
        try:
            send(self.sock, {"cell": cell, "inputs": inputs, "modules": modules, "names": assigned,
                             "timing": timing})
            reply = recv(self.sock)
        except KeyboardInterrupt:
            self.stop()
            raise KeyboardInterrupt("hpjit: interrupted; the worker pool was stopped") from None
        except (ConnectionError, OSError, EOFError):
            err = self._failure()
            raise RuntimeError(err) from None
        user_ns.update(reply["values"])
        if reply["stdout"]:
            print(reply["stdout"], end="")
        return reply["value"]

    def _failure(self):
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        lines = [ln for ln in (self.proc.stderr.read() or "").splitlines()
                 if ln.startswith("hpjit: error on rank")]
        return lines[0] if lines else "hpjit: the worker pool ended unexpectedly"

    def stop(self):
        if self.alive():
            try:
                send(self.sock, {"stop": True})
                self.proc.wait(timeout=30)
            except Exception:
                self.proc.kill()
        if getattr(self, "sock", None) is not None:
            self.sock.close()


def run_on_pool(n, cell, user_ns, timing=False):
    """Run ``cell`` on the ``n``-rank pool (started, or restarted after a failure, as needed)."""
    pool = _POOL.get("pool")
    if pool is None or pool.n != n or not pool.alive():
        if pool is not None:
            pool.stop()
        pool = _POOL["pool"] = WorkerPool(n)
    try:
        return pool.run(cell, user_ns, timing)
    except RuntimeError:
        _POOL.pop("pool", None)
        raise


def stop_pool():
    pool = _POOL.pop("pool", None)
    if pool is not None:
        pool.stop()
