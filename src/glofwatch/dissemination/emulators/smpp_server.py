"""A small SMPP 3.4 server (an SMSC as seen by an ESME) for tests, the demo and benchmarks.

Handles bind_transmitter/receiver/transceiver, submit_sm (reassembles concatenated UCS-2/GSM-7
messages by their user data header), enquire_link and unbind; sends deliver_sm to bound
transceivers for a handset's reply (:meth:`SmppServer.reply`). Destination numbers in ``reject``
get ESME_RINVDSTADR, and numbers that are not international digits too; ``throttle`` makes the next
N submits answer ESME_RTHROTTLED. ``python -m glofwatch.dissemination.emulators.smpp_server --port P``
runs it alone.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import struct
import threading
import time
from dataclasses import dataclass, field
from typing import Any

BIND = {0x1: 0x80000001, 0x2: 0x80000002, 0x9: 0x80000009}
SUBMIT_SM, DELIVER_SM, UNBIND, ENQUIRE_LINK = 0x4, 0x5, 0x6, 0x15
GENERIC_NACK = 0x80000000
RINVDSTADR, RTHROTTLED = 0x0B, 0x58

_GSM = ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>"
        "?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ`¿abcdefghijklmnopqrstuvwxyzäöñüà")


def _cstr(b: bytes, i: int) -> tuple[str, int]:
    j = b.index(b"\0", i)
    return b[i:j].decode("latin-1"), j + 1


def _decode(data: bytes, coding: int) -> str:
    if coding == 8:
        return data.decode("utf-16-be")
    return "".join(_GSM[c] if c < len(_GSM) else "?" for c in data)


@dataclass
class Submitted:
    """One complete (reassembled) message the SMSC accepted."""

    dest: str
    source: str
    text: str
    segments: int
    data_coding: int
    message_id: str
    time: float
    segment_lengths: list[int] = field(default_factory=list)  # characters per segment


class _Handler(socketserver.BaseRequestHandler):
    server: _TCP

    def handle(self) -> None:
        smsc: SmppServer = self.server.smsc
        sock: socket.socket = self.request
        wlock = threading.Lock()
        bound = False
        try:
            while True:
                head = _recv(sock, 16)
                if head is None:
                    return
                length, cid, _status, seq = struct.unpack(">IIII", head)
                body = _recv(sock, length - 16) or b""
                if cid in BIND:
                    system_id, _ = _cstr(body, 0)
                    bound = True
                    smsc._sessions.append((sock, wlock))
                    _send(sock, wlock, BIND[cid], 0, seq, b"glofwatch-smsc\0")
                elif cid == SUBMIT_SM and bound:
                    status, mid = smsc._submit(body)
                    _send(sock, wlock, 0x80000004, status, seq, (mid.encode() + b"\0") if status == 0 else b"")
                elif cid == ENQUIRE_LINK:
                    _send(sock, wlock, 0x80000015, 0, seq, b"")
                elif cid == UNBIND:
                    _send(sock, wlock, 0x80000006, 0, seq, b"")
                    return
                elif cid & 0x80000000:
                    continue  # deliver_sm_resp and other responses
                else:
                    _send(sock, wlock, GENERIC_NACK, 0x3, seq, b"")
        except OSError:
            return
        finally:
            smsc._sessions[:] = [s for s in smsc._sessions if s[0] is not sock]


def _recv(sock: socket.socket, n: int) -> bytes | None:
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def _send(sock: socket.socket, lock: threading.Lock, cid: int, status: int, seq: int, body: bytes) -> None:
    with lock:
        sock.sendall(struct.pack(">IIII", 16 + len(body), cid, status, seq) + body)


class _TCP(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    smsc: SmppServer


class SmppServer:
    """``with SmppServer() as smsc: ... smsc.port ... smsc.messages``"""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, reject: set[str] | None = None):
        self.host = host
        self._tcp = _TCP((host, port), _Handler)
        self._tcp.smsc = self
        self.port = int(self._tcp.server_address[1])
        self.reject = set(reject or ())
        self.throttle = 0
        self.messages: list[Submitted] = []
        self.pdus = 0
        self._parts: dict[tuple[str, int], dict[int, bytes]] = {}
        self._sessions: list[tuple[socket.socket, threading.Lock]] = []
        self._lock = threading.Lock()
        self._seq = 0
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"smpp://glofwatch:secret@{self.host}:{self.port}?source=MChS"

    def _submit(self, body: bytes) -> tuple[int, str]:
        i = 0
        _service, i = _cstr(body, i)
        i += 2
        source, i = _cstr(body, i)
        i += 2
        dest, i = _cstr(body, i)
        esm_class = body[i]
        i += 3
        _sched, i = _cstr(body, i)
        _valid, i = _cstr(body, i)
        i += 2
        coding = body[i]
        i += 2
        sm_len = body[i]
        sm = body[i + 1:i + 1 + sm_len]
        with self._lock:
            self.pdus += 1
            if self.throttle > 0:
                self.throttle -= 1
                return RTHROTTLED, ""
            if dest in self.reject or not dest.isdigit() or not 7 <= len(dest) <= 15:
                return RINVDSTADR, ""
            self._seq += 1
            mid = f"m{self._seq:08d}"
            if esm_class & 0x40 and sm and sm[0] == 5:  # UDH: 05 00 03 ref total seq
                ref, total, n = sm[3], sm[4], sm[5]
                part = sm[6:]
                got = self._parts.setdefault((dest, ref), {})
                got[n] = part
                if len(got) == total:
                    del self._parts[(dest, ref)]
                    segs = [got[k] for k in sorted(got)]
                    text = "".join(_decode(s, coding) for s in segs)
                    self.messages.append(Submitted(dest, source, text, total, coding, mid, time.time(),
                                                   [len(_decode(s, coding)) for s in segs]))
            else:
                t = _decode(sm, coding)
                self.messages.append(Submitted(dest, source, t, 1, coding, mid, time.time(), [len(t)]))
            return 0, mid

    def reply(self, phone: str, text: str) -> int:
        """A handset ``phone`` answers ``text``: deliver_sm to every bound transceiver. Returns how many got it."""
        data = text.encode("utf-16-be")
        src = phone.lstrip("+").encode()
        body = (b"\0" + bytes([1, 1]) + src + b"\0" + bytes([5, 0]) + b"MChS\0" + bytes([0, 0, 0]) + b"\0\0"
                + bytes([0, 0, 8, 0, len(data)]) + data)
        n = 0
        for sock, lock in list(self._sessions):
            with self._lock:
                self._seq += 1
                seq = self._seq
            try:
                _send(sock, lock, DELIVER_SM, 0, seq, body)
                n += 1
            except OSError:
                pass
        return n

    def by_dest(self) -> dict[str, list[Submitted]]:
        out: dict[str, list[Submitted]] = {}
        for m in list(self.messages):
            out.setdefault(m.dest, []).append(m)
        return out

    def start(self) -> SmppServer:
        self._thread = threading.Thread(target=self._tcp.serve_forever, name="smpp-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._tcp.shutdown()
        self._tcp.server_close()
        for sock, _ in list(self._sessions):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> SmppServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


if __name__ == "__main__":  # pragma: no cover - manual use
    import argparse

    ap = argparse.ArgumentParser(description="SMPP 3.4 SMSC emulator on loopback")
    ap.add_argument("--port", type=int, default=2775)
    a = ap.parse_args()
    s = SmppServer(port=a.port).start()
    print(f"SMSC emulator on {s.url}", flush=True)
    while True:
        time.sleep(3600)
