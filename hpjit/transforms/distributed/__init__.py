"""Layer 4: the distributed forms of pandas operations — overloads over this rank's rows that
call MPI (gathers, global reductions, shuffles by key, distributed sort/merge/groupby). The
distributed pass substitutes them for the one-process calls; nothing else calls them."""
