"""Layer 1: column data models — strings (Arrow layout), dates and datetimes, masked (nullable)
arrays, the operations every column type shares, and boxing to pandas' own arrays."""
