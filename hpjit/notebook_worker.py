"""A rank of the ``%%hpjit -n N`` worker pool: ``mpiexec -n N python -m hpjit.notebook_worker PORT``.

Rank 0 connects to the notebook on localhost:PORT and receives cells (source and
input values); every rank gets them by broadcast, runs the cell as hpjit code
(distributed like a script under mpirun), and rank 0 sends back the values the
cell assigned, its value and what it printed. An exception on any rank ends the
pool (hpjit aborts the job so no rank hangs); the notebook reports it and starts
a new pool on the next cell.
"""
import contextlib
import importlib
import io
import pickle
import socket
import struct
import sys

from hpjit.core.mpi import abort
from hpjit.notebook_cells import compile_cell


def send(sock, obj):
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(struct.pack("!Q", len(data)) + data)


def recv(sock):
    head = _exactly(sock, 8)
    return pickle.loads(_exactly(sock, struct.unpack("!Q", head)[0]))


def _exactly(sock, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(min(n - len(buf), 1 << 20))
        if not chunk:
            raise ConnectionError("hpjit notebook connection closed")
        buf += chunk
    return bytes(buf)


def main(port):
    from mpi4py import MPI

    comm = MPI.COMM_WORLD
    rank = comm.Get_rank()
    sock = socket.create_connection(("127.0.0.1", port)) if rank == 0 else None
    if rank == 0:
        send(sock, {"ready": comm.Get_size()})
    ns = {}
    while True:
        msg = comm.bcast(recv(sock) if rank == 0 else None, root=0)
        if msg.get("stop"):
            break
        ns.update(msg["inputs"])
        ns.update({name: importlib.import_module(mod) for name, mod in msg["modules"].items()})
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                value = compile_cell(msg["cell"], ns, timing=msg.get("timing", False),
                                     split_inputs=True)
        except Exception as e:  # the others may wait in a collective: end the pool, say why
            print(f"hpjit: error on rank {rank} of {comm.Get_size()}: {type(e).__name__}: {e}",
                  file=sys.stderr, flush=True)
            abort(1)
        if rank == 0:
            names = [n for n in msg["names"] if n in ns]
            send(sock, {"values": {n: ns[n] for n in names}, "value": value,
                        "stdout": out.getvalue()})
    if rank == 0:
        sock.close()


if __name__ == "__main__":
    main(int(sys.argv[1]))
