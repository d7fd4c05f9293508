"""Distributed k-means: each rank reads its block of the file, fits, rank 0 prints the centers.

Run:  python examples/kmeans.py              (one process)
      mpirun -n 4 python examples/kmeans.py  (four ranks; the same centers)
Needs scikit-learn (pip install 'hpjit[ml]'). Writes a seeded ``points.parquet``
next to this file when it is absent.
"""
import os

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans

import hpjit

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "points.parquet")
if hpjit.get_rank() == 0 and not os.path.exists(DATA):
    rng = np.random.default_rng(0)
    centers = rng.uniform(-10, 10, size=(5, 3))
    pts = centers[rng.integers(0, 5, 200_000)] + rng.normal(size=(200_000, 3))
    pd.DataFrame(pts, columns=["x", "y", "z"]).to_parquet(DATA, row_group_size=25_000)
hpjit.barrier()


@hpjit.jit
def segment():
    df = pd.read_parquet(DATA)
    X = df[["x", "y", "z"]].to_numpy()
    km = KMeans(n_clusters=5, random_state=0).fit(X)
    print(km.cluster_centers_)
    return km.inertia_, np.bincount(km.labels_)


inertia, sizes = segment()
if hpjit.get_rank() == 0:
    print("inertia", inertia, "cluster sizes", sizes)
