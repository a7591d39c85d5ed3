"""Helpers for tests and benchmarks: real services on loopback (PostgreSQL databases, Mosquitto brokers)."""
