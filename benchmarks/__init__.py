"""Benchmarks of the planner (`make bench` → benchmarks/RESULTS.md). Not part of `make test`."""
