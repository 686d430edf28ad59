"""Streamed downloads for the admin API and the gateway: an export's rows sent as they come,
as an attachment.

Starlette's StreamingResponse leaves its body iterator to the garbage collector when the
client leaves while a chunk is being sent; here the iterator is always closed before the
response returns, so the data source's cursor (and the query behind it) ends when the
client hangs up, not whenever the collector runs. Closers run after it, shielded from
cancellation: the gateway's access record and concurrency slot wait for the last row.

Once the first byte is out the status is sent: an error after it can only cut the body
short. The server then closes the connection without the last chunk, which any HTTP
client reports as an incomplete transfer; the outcome is in the export (and so in the
gateway's access record) and in one warning line of the log.
"""

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import anyio
from fastapi.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from sluice.services.exports import (
    CLIENT_DISCONNECTED,
    MEDIA_TYPES,
    ROW_LIMIT_REACHED,
    Export,
    Format,
    attachment_name,
)

log = logging.getLogger(__name__)

Closer = Callable[[], Awaitable[None]]


def attachment_headers(stem: str, fmt: Format) -> dict[str, str]:
    """`Content-Disposition` of a file named `<stem>-<today>.<format>` (UTC)."""
    filename = attachment_name(stem, fmt, datetime.now(UTC).date())
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


class StreamedDownload(StreamingResponse):
    """An export sent as `<stem>-<today>.<format>` (`Content-Disposition: attachment`)."""

    def __init__(self, export: Export, stem: str, headers: dict[str, str] | None = None) -> None:
        disposition = attachment_headers(stem, export.format)
        self.export = export
        self._body = export.body()
        self._closers: list[Closer] = []
        super().__init__(
            self._body,
            media_type=MEDIA_TYPES[export.format],
            headers=(headers or {}) | disposition,
        )

    def when_closed(self, closer: Closer) -> None:
        """Run `closer` once the body has ended, however it ended."""
        self._closers.append(closer)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        failure: Exception | None = None
        try:
            await super().__call__(scope, receive, send)
        except Exception as exc:  # the body failed, or the client left, after the status went
            failure = exc
        finally:
            with anyio.CancelScope(shield=True):
                await self._body.aclose()
                for closer in self._closers:
                    await closer()
        outcome = self.export.outcome
        if outcome == CLIENT_DISCONNECTED:
            log.info("export cut short after %d rows: %s", self.export.rows, outcome)
        elif failure is not None or outcome not in (None, ROW_LIMIT_REACHED):
            unexpected = outcome == "internal_error"
            log.warning(
                "export cut short after %d rows: %s",
                self.export.rows,
                outcome,
                exc_info=failure if unexpected else None,
            )
