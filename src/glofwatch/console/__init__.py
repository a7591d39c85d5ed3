"""The duty officer's console: HTTP API, live events and the offline web console.

Import :func:`glofwatch.console.app.create_app` for the server; this package import stays light
(no FastAPI) so the CLI starts fast.
"""
