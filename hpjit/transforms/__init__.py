"""Compiler passes that rewrite numba IR."""
