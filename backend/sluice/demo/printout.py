"""What `sluice demo` (and `sluice serve` with LOAD_DEMO) prints: what was loaded, the demo
client's credentials on the run that created it, and curl commands to try.

The commands are a shell sequence meant to be pasted as is: the first line sets `SLUICE`
to the server's address, the token is read out of the JSON answer with python3 (always
there beside Sluice; jq often is not).
"""

from sluice.demo import definitions as demo
from sluice.demo.load import DemoReport, FilledSource
from sluice.models.client import ClientWithSecret

PUBLIC_CALL = "products?category=books&page_size=3"
PRIVATE_CALL = "orders?status=shipped&page_size=3"
READ_TOKEN = "python3 -c 'import json, sys; print(json.load(sys.stdin)[\"access_token\"])'"


def demo_text(report: DemoReport, base_url: str) -> str:
    lines = [_source_line(source) for source in report.sources]
    if report.apis:
        published = f"{len(report.apis)} published API{'s' if len(report.apis) > 1 else ''}"
        lines.append("Created: " + ", ".join([*report.created, published]) + ":")
        lines += [f"  {a.method:<6} /{demo.NAME}/{a.path:<24} {a.access}" for a in report.apis]
    elif report.created:
        lines.append("Created: " + ", ".join(report.created) + ".")
    else:
        lines.append("The demo's module, APIs, group and client exist: left as they are.")
    lines.append("")
    if report.client is not None:
        lines += _credentials(report.client, base_url)
    else:
        lines += [
            f'Demo client "{demo.NAME}": client_id {report.client_id}. Its secret was shown '
            "when it was created;",
            "to get a new one, rotate it in the dashboard (Clients, then Regenerate secret).",
            "",
            "Try the public API:",
            f'  curl -s "{base_url}/{demo.NAME}/{PUBLIC_CALL}"',
        ]
    return "\n".join(lines) + "\n"


def _source_line(source: FilledSource) -> str:
    rows = ", ".join(f"{count} {table}" for table, count in source.tables.items())
    registered = "" if source.registered == "unchanged" else f", {source.registered}"
    return f'Data source "{source.name}" ({source.target}{registered}): {rows}.'


def _credentials(client: ClientWithSecret, base_url: str) -> list[str]:
    token = (
        f'TOKEN=$(curl -s "$SLUICE/token/generate" -d client_id={client.client_id} '
        f"-d client_secret={client.client_secret} | {READ_TOKEN})"
    )
    return [
        f'Demo client "{demo.NAME}" (the secret is shown only now; rotate it in the '
        "dashboard to get a new one):",
        f"  client_id:     {client.client_id}",
        f"  client_secret: {client.client_secret}",
        "",
        "Try it (a public API, then a token and a private API):",
        f"  SLUICE={base_url}",
        f'  curl -s "$SLUICE/{demo.NAME}/{PUBLIC_CALL}"',
        f"  {token}",
        f'  curl -s "$SLUICE/{demo.NAME}/{PRIVATE_CALL}" -H "Authorization: Bearer $TOKEN"',
    ]
