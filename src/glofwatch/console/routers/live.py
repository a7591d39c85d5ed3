"""``GET /api/v1/live``: Server-Sent Events telling the browser what to re-read."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from glofwatch.console.deps import ConsoleContext, Principal, ctx, viewer
from glofwatch.console.live import stream

router = APIRouter(prefix="/api/v1", tags=["live"])


@router.get("/live", response_class=StreamingResponse, responses={200: {"content": {"text/event-stream": {}}}})
async def live(request: Request, _: Principal = Depends(viewer), c: ConsoleContext = Depends(ctx)) -> StreamingResponse:
    """Events ``hello`` (current versions), then ``stations``, ``alerts`` or ``deliveries`` with a version
    number whenever that part changed; a comment line every 15 s keeps proxies from closing the stream."""
    stop = request.app.state.stop
    return StreamingResponse(stream(c.hub, request.is_disconnected, stop=stop, heartbeat_s=request.app.state.heartbeat_s),
                             media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
