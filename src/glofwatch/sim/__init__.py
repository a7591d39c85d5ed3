"""Simulated telemetry for demos, tests and the evaluation of detectors."""
