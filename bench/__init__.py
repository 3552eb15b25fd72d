"""Benchmarks (not tests): `make bench` runs them all; results go to docs/performance.md."""
