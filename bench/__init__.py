"""Benchmarks (quality, speed, load): run from the repository root, e.g. `python -m bench.quality`."""
