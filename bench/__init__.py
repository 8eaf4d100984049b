"""Benchmarks; each prints ratios measured in one run (timings are never asserted in tests)."""
