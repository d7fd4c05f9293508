"""Layer 0: what every other layer builds on — numba code generation, the kernel decorator,
row-sized allocation, and calls into Python from compiled code. Imports nothing of hpjit."""
