"""What `sluice serve` runs uvicorn with: the app factory of its workers (`APP`), and the
HTTP protocol, httptools with a cap on the request line and headers (`PROTOCOL`).

uvicorn's httptools protocol sets no limit on the head of a request, and collects a long
header piece by piece: one 100 MiB header cost 14 CPU-seconds, before any route or
login. (uvicorn's `h11_max_incomplete_event_size` caps only its h11 protocol, which is
slower and answers 400.) Here the head is held to MAX_REQUEST_HEADER_BYTES: a head still
incomplete past it is cut off as it arrives, a complete one is measured before the app
sees it, and either way the answer is 431 and the connection closes.
"""

from typing import TYPE_CHECKING, Any

import orjson
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from sluice.collector import collector_paused
from sluice.config import get_settings

if TYPE_CHECKING:
    from fastapi import FastAPI


def worker_app() -> "FastAPI":
    """The app of a `sluice serve` worker, `sluice.app` imported and the app assembled with
    the garbage collector paused: the import makes some 300,000 objects that live as long
    as the process, and the collections they set off (480 of them, four over the whole
    heap) were 0.4 s of a 2.4 s import. A spawned worker imports this module first."""
    with collector_paused():
        from sluice.app import create_app

        return create_app()


APP = f"{__name__}:{worker_app.__name__}"
"""The app factory for uvicorn."""

_REASON = b"HTTP/1.1 431 Request Header Fields Too Large\r\n"


class HeadTooLarge(Exception):
    """Raised in a parser callback to stop parsing a request whose head is too large."""


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, answering 431 to a request line and headers over
    MAX_REQUEST_HEADER_BYTES. uvicorn imports it by name (`http=` in `sluice serve`), so
    every worker process builds it from its own settings."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.head_limit = get_settings().MAX_REQUEST_HEADER_BYTES
        self.head_bytes = 0
        self.in_head = True
        self.head_too_large = False

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.head_bytes, self.in_head = 0, True

    def on_headers_complete(self) -> None:
        self.in_head = False
        size = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
        if size > self.head_limit:
            self.head_too_large = True
            raise HeadTooLarge  # the parser stops; uvicorn answers through send_400_response
        super().on_headers_complete()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.in_head and not self.transport.is_closing():
            self.head_bytes += len(data)
            if self.head_bytes > self.head_limit:
                self.head_too_large = True
                self.send_400_response("")

    def send_400_response(self, msg: str) -> None:
        if not self.head_too_large:
            super().send_400_response(msg)
            return
        self.transport.write(head_too_large_response(self.head_limit))
        self.transport.close()


def head_too_large_response(limit: int) -> bytes:
    body = orjson.dumps(
        {
            "detail": f"Request line and headers too large: the limit is {limit} bytes",
            "code": "header_too_large",
        }
    )
    return b"".join(
        [
            _REASON,
            b"content-type: application/json\r\n",
            b"content-length: %d\r\n" % len(body),
            b"connection: close\r\n\r\n",
            body,
        ]
    )


PROTOCOL = f"{__name__}:{BoundedHttpToolsProtocol.__name__}"
"""The `http=` value for uvicorn."""
