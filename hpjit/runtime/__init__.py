"""What compiled code calls at run time."""
