"""The ``gridgraph`` command: a thin layer over the library that turns domain errors into clear messages."""
