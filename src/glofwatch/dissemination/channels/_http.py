"""Shared HTTP plumbing of the HTTP channels: one httpx client, status -> DeliveryResult status."""

from __future__ import annotations

from typing import Any

import httpx


def classify(code: int) -> str:
    """HTTP status -> delivery status: 2xx sent; 408/425/429/5xx transient; other 4xx permanent."""
    if 200 <= code < 300:
        return "sent"
    if code in (408, 425, 429) or code >= 500:
        return "transient_error"
    return "permanent_error"


def client(timeout: float = 10.0, workers: int = 8) -> httpx.Client:
    return httpx.Client(timeout=timeout, limits=httpx.Limits(max_connections=workers, max_keepalive_connections=workers))


def short(resp: httpx.Response) -> str:
    try:
        j: Any = resp.json()
        return str(j.get("description") or j.get("error") or j)[:300] if isinstance(j, dict) else str(j)[:300]
    except ValueError:
        return resp.text[:300]
