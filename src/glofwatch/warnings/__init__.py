"""Alerts: the lifecycle (issue, update, escalate, cancel, all-clear, drill, test), CAP 1.2 documents
in Kyrgyz, Russian and English, the Atom feed of current alerts and XML-DSig signing.

Start at :mod:`glofwatch.warnings.service`; docs/warnings.md describes the API.
"""
