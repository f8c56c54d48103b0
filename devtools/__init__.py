"""Driving this Pulumi program through the real pulumi CLI: what the tests and the benchmarks both use.

Imports nothing from `tests/` or `bench/`; both import from here.
"""
