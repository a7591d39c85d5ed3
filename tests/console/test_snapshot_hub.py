"""The live hub and the latest-state snapshots, without a server."""

from __future__ import annotations

import asyncio
import threading

import orjson

from glofwatch.console.live import Hub, stream
from glofwatch.console.snapshot import Snapshots


def test_snapshot_is_rebuilt_on_change_or_age_and_built_once_per_burst() -> None:
    async def main() -> None:
        hub = Hub()
        hub.bind(asyncio.get_running_loop())
        now = [0.0]
        snaps = Snapshots(hub, max_age_s=2.0, monotonic=lambda: now[0])
        builds: list[int] = []

        def build() -> dict[str, int]:
            builds.append(1)
            return {"n": len(builds)}

        bodies = await asyncio.gather(*(snaps.get("k", ("stations",), build) for _ in range(50)))
        assert len(builds) == 1 and {orjson.loads(b)["n"] for b in bodies} == {1}  # single flight
        assert snaps.peek("k", ("stations",)) == bodies[0]
        threading.Thread(target=hub.publish, args=("stations",)).start()  # a change announced from another thread
        await asyncio.sleep(0.05)
        assert snaps.peek("k", ("stations",)) is None
        assert orjson.loads(await snaps.get("k", ("stations",), build))["n"] == 2
        hub.publish("alerts")  # not a dependency of k
        assert snaps.peek("k", ("stations",)) is not None
        now[0] = 2.5  # too old: rebuilt even without a change (health turns late/silent with time alone)
        assert snaps.peek("k", ("stations",)) is None

    asyncio.run(main())


def test_stream_says_hello_forwards_changes_and_ends_on_close() -> None:
    async def main() -> list[bytes]:
        hub = Hub()
        hub.bind(asyncio.get_running_loop())

        async def never() -> bool:
            return False

        got: list[bytes] = []

        async def read() -> None:
            async for chunk in stream(hub, never, heartbeat_s=0.05):
                got.append(chunk)

        task = asyncio.create_task(read())
        while hub.subscribers == 0:
            await asyncio.sleep(0.01)
        hub.publish("alerts")
        await asyncio.sleep(0.12)  # at least one heartbeat
        hub.close()
        await asyncio.wait_for(task, 5)
        return got

    got = asyncio.run(main())
    assert got[0].startswith(b"retry: 3000\nevent: hello\n")
    assert b"event: alerts\ndata: {\"version\":1}\n\n" in got
    assert b": keep-alive\n\n" in got
