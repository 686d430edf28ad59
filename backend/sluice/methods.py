"""HEAD and OPTIONS for every path, admin API and gateway alike (see `SluiceApp`): HEAD
runs as GET without the body, a plain OPTIONS answers 204 with `Allow`."""

from starlette.types import Message, Send


def without_body(send: Send) -> Send:
    """`send` for a HEAD request run as a GET: the GET's status and headers (its
    Content-Length included), no body."""

    async def head_only(message: Message) -> None:
        if message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await send(message)

    return head_only


def answer_options(send: Send, methods: set[str]) -> Send:
    """`send` for a plain OPTIONS request (not a CORS preflight, which the CORS layer
    answers): the 405 the routing gives becomes `204` with `Allow` listing `methods` (or,
    when empty, the 405's own `Allow`) plus HEAD and OPTIONS, so a client can ask what a
    path takes. Other answers (404 for an unknown path) pass unchanged."""
    answered = False

    async def options(message: Message) -> None:
        nonlocal answered
        if message["type"] == "http.response.start" and message["status"] == 405:
            allow = methods or _listed(dict(message.get("headers", [])).get(b"allow", b""))
            if allow:
                answered = True
                allow = allow | {"OPTIONS"} | ({"HEAD"} if "GET" in allow else set())
                message = {**message, "status": 204, "headers": _allow_headers(message, allow)}
        elif message["type"] == "http.response.body" and answered:
            message = {**message, "body": b""}
        await send(message)

    return options


def _listed(allow: bytes) -> set[str]:
    return {method.strip() for method in allow.decode("latin-1").split(",") if method.strip()}


def _allow_headers(start: Message, methods: set[str]) -> list[tuple[bytes, bytes]]:
    """The 405's headers but its body's (a 204 has none), with `Allow` listing `methods`."""
    dropped = (b"allow", b"content-length", b"content-type")
    kept = [(k, v) for k, v in start.get("headers", []) if k.lower() not in dropped]
    return [*kept, (b"allow", ", ".join(sorted(methods)).encode())]
