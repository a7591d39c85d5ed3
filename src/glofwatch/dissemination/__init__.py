"""Getting an alert to people: targeting, channels (one plug-in a file, addressed by URL), the
transactional outbox and the dispatcher, and loopback emulators of remote services for tests and
the demo. See docs/warnings.md.
"""
