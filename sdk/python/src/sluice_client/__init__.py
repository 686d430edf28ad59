"""sluice-client: call the APIs a Sluice gateway publishes, from Python.

`Client` (blocking) and `AsyncClient` (asyncio) fetch and renew the client token, retry
rate-limited and unavailable answers after `Retry-After`, raise a typed error for each
gateway error code, and read streamed exports row by row. See README.md.
"""

from sluice_client._core import __version__
from sluice_client.async_client import AsyncClient
from sluice_client.client import Client
from sluice_client.errors import (
    BadRequest,
    ClientTimeout,
    ConcurrencyLimited,
    DatasourceError,
    DatasourceUnavailable,
    Forbidden,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    ScriptError,
    ScriptLimit,
    ServerError,
    SluiceError,
    Timeout,
    TransportError,
    Unauthorized,
    UnexpectedResponse,
    UnsupportedMediaType,
)
from sluice_client.result import Pagination, RateLimit, Result
from sluice_client.streams import AsyncStream, Stream

__all__ = [
    "AsyncClient",
    "AsyncStream",
    "BadRequest",
    "Client",
    "ClientTimeout",
    "ConcurrencyLimited",
    "DatasourceError",
    "DatasourceUnavailable",
    "Forbidden",
    "MethodNotAllowed",
    "NotFound",
    "Pagination",
    "PayloadTooLarge",
    "RateLimit",
    "RateLimited",
    "Result",
    "ScriptError",
    "ScriptLimit",
    "ServerError",
    "SluiceError",
    "Stream",
    "Timeout",
    "TransportError",
    "Unauthorized",
    "UnexpectedResponse",
    "UnsupportedMediaType",
    "__version__",
]
