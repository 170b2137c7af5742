"""Benchmarks run by ``comptoir bench <name>``: each module has ``run(args) -> dict``.

A bench module may also define ``add_arguments(parser)`` to add its own knobs
to ``comptoir bench``.
"""
