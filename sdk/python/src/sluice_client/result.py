"""What a call answered, beyond its data: the page it was, the cache and rate-limit
headers, the request id. `call()` returns only the data; `request()` returns this."""

from dataclasses import dataclass
from typing import Any

import httpx2

from sluice_client.errors import UnexpectedResponse


@dataclass(frozen=True)
class Pagination:
    """The `pagination` object of a paginated API's answer."""

    limit: int
    offset: int
    total: int
    has_more: bool
    page: int | None = None
    """Set for `page` APIs (which take `page` and `page_size`); None for `offset` APIs
    (which take `limit` and `offset`)."""
    page_size: int | None = None

    @classmethod
    def from_body(cls, value: Any) -> "Pagination | None":
        if not isinstance(value, dict):
            return None
        return cls(
            limit=int(value.get("limit", 0)),
            offset=int(value.get("offset", 0)),
            total=int(value.get("total", 0)),
            has_more=bool(value.get("has_more", False)),
            page=value.get("page"),
            page_size=value.get("page_size"),
        )

    def next_params(self) -> dict[str, int]:
        """The query keys that ask for the page after this one."""
        if self.page is not None:
            return {"page": self.page + 1, "page_size": self.page_size or self.limit}
        return {"limit": self.limit, "offset": self.offset + self.limit}


@dataclass(frozen=True)
class RateLimit:
    """`X-RateLimit-Limit` and `X-RateLimit-Remaining`: calls a minute, and left now."""

    limit: int
    remaining: int


@dataclass(frozen=True)
class Result:
    """A successful call: the gateway's envelope and what its headers say."""

    data: Any
    """Rows (a list of objects) for a read, `{"rows_affected": n}` for a write, whatever
    a script returned."""
    status_code: int
    headers: httpx2.Headers
    request_id: str | None
    message: str | None = None
    pagination: Pagination | None = None
    truncated: bool = False
    """The server cut the rows at its GATEWAY_MAX_RESPONSE_ROWS; page or stream instead."""

    def rows(self) -> list[Any]:
        """The data as rows; an answer that is not a list of rows is an error here."""
        if not isinstance(self.data, list):
            raise UnexpectedResponse(
                f"Expected rows, got {type(self.data).__name__}", request_id=self.request_id
            )
        return self.data

    @property
    def cache(self) -> str | None:
        """`HIT` or `MISS` for an API with a response cache, else None."""
        return self.headers.get("x-cache")

    @property
    def rate_limit(self) -> RateLimit | None:
        limit, remaining = (self.headers.get(f"x-ratelimit-{k}") for k in ("limit", "remaining"))
        if limit is None or remaining is None:
            return None
        return RateLimit(int(limit), int(remaining))

    @classmethod
    def from_response(cls, response: httpx2.Response) -> "Result":
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or body.get("success") is not True:
            raise UnexpectedResponse(
                f"HTTP {response.status_code} is not a gateway answer: {response.text[:200]!r}",
                status=response.status_code,
                request_id=response.headers.get("x-request-id"),
                headers=response.headers,
            )
        return cls(
            data=body.get("data"),
            status_code=response.status_code,
            headers=response.headers,
            request_id=response.headers.get("x-request-id"),
            message=body.get("message"),
            pagination=Pagination.from_body(body.get("pagination")),
            truncated=bool(body.get("truncated", False)),
        )
