"""A listener that speaks just enough of the PostgreSQL protocol to ask a client for its
password in clear text and record what arrives: the stand-in for a server an attacker
points a data source at."""

import socket
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_SSL_REQUEST = 80877103
_GSS_REQUEST = 80877104
_CLEARTEXT = struct.pack("!cii", b"R", 8, 3)
_REFUSED = b"E" + struct.pack("!i", 4 + 24) + b"SFATAL\x00C28P01\x00Mnope\x00\x00"


class FakePostgres:
    """Accepts connections on 127.0.0.1 (a free port) until closed; `passwords` holds
    every password a client sent."""

    def __init__(self) -> None:
        self.passwords: list[str] = []
        self.connections = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port: int = self._listener.getsockname()[1]
        self._open = True
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._open = False
        self._thread.join()
        self._listener.close()

    def _serve(self) -> None:
        while self._open:
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            with conn:
                conn.settimeout(5)
                try:
                    self._talk(conn)
                except (OSError, struct.error):
                    pass

    def _talk(self, conn: socket.socket) -> None:
        while True:  # refuse TLS and GSS encryption, then read the startup message
            length, code = struct.unpack("!ii", _read(conn, 8))
            _read(conn, length - 8)
            if code not in (_SSL_REQUEST, _GSS_REQUEST):
                break
            conn.sendall(b"N")
        conn.sendall(_CLEARTEXT)
        kind = _read(conn, 1)
        (length,) = struct.unpack("!i", _read(conn, 4))
        message = _read(conn, length - 4)
        if kind == b"p":
            self.passwords.append(message.rstrip(b"\x00").decode())
        conn.sendall(_REFUSED)


def _read(conn: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise OSError("closed")
        data += chunk
    return data


@contextmanager
def fake_postgres() -> Iterator[FakePostgres]:
    server = FakePostgres()
    try:
        yield server
    finally:
        server.close()
