import { BookOpenIcon, TerminalIcon } from "lucide-react";
import type { ApiPublic } from "@/client/types.gen";
import { CopyButton } from "@/components/copy-button";
import { type DebugInputs, toDebugParams } from "./debug-values";
import type { ApiFormValues } from "./form-values";

/** A word for a POSIX shell, in single quotes. */
const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** How a value travels in a URL or a header: text as is, anything else as JSON. */
const asText = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

function paramValues(values: ApiFormValues, inputs: DebugInputs): Record<string, unknown> {
  try {
    return toDebugParams(values.params, inputs);
  } catch {
    return {};
  }
}

export type GatewayCall = { url: string; curl: string; needsToken: boolean };

/**
 * The gateway call the debug form describes: the URL with its path and query values, and
 * the same call as a curl command. A private API reads the token from `$SLUICE_TOKEN`.
 */
export function gatewayCall(
  values: ApiFormValues,
  moduleName: string | undefined,
  inputs: DebugInputs,
  origin: string,
): GatewayCall {
  const given = paramValues(values, inputs);
  const rows = values.params.filter((row) => row.name.trim() in given);
  const path = values.path
    .trim()
    .replace(/^\/+/, "")
    .replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in given ? encodeURIComponent(asText(given[name])) : whole,
    );
  const query = new URLSearchParams();
  const headers: string[] = [];
  const body: Record<string, unknown> = {};
  for (const row of rows) {
    const name = row.name.trim();
    if (row.location === "query") query.append(name, asText(given[name]));
    if (row.location === "header") headers.push(`${name}: ${asText(given[name])}`);
    if (row.location === "body") body[name] = given[name];
  }
  const search = query.toString();
  const url = `${origin}/${moduleName ?? "<module>"}/${path}${search ? `?${search}` : ""}`;
  const needsToken = values.access === "private";
  const parts = ["curl -sS"];
  if (values.method !== "GET") parts.push(`-X ${values.method}`);
  parts.push(quote(url));
  if (needsToken) parts.push('-H "Authorization: Bearer $SLUICE_TOKEN"');
  for (const header of headers) parts.push(`-H ${quote(header)}`);
  if (Object.keys(body).length > 0) {
    parts.push(
      `-H ${quote("Content-Type: application/json")}`,
      `-d ${quote(JSON.stringify(body))}`,
    );
  }
  return { url, curl: parts.join(" "), needsToken };
}

function tokenCommand(origin: string): string {
  const credentials = JSON.stringify({ client_id: "<client id>", client_secret: "<secret>" });
  return [
    `export SLUICE_TOKEN=$(curl -sS -X POST ${quote(`${origin}/token/generate`)}`,
    `-H ${quote("Content-Type: application/json")} -d ${quote(credentials)} | jq -r .access_token)`,
  ].join(" ");
}

function docsLink(api: ApiPublic | undefined, moduleName: string | undefined): string | null {
  if (!api?.is_published || !moduleName) return null;
  // the operation id comes from the gateway's own document; without it, the module's tag
  return `/api/v1/gateway/docs#/${moduleName}${api.operation_id ? `/${api.operation_id}` : ""}`;
}

function Command({ text, label, testId }: { text: string; label: string; testId: string }) {
  return (
    <div className="flex items-start gap-1 rounded-lg border bg-muted/40">
      <pre
        data-testid={testId}
        className="min-w-0 flex-1 overflow-x-auto p-2.5 font-mono text-xs leading-relaxed whitespace-pre-wrap break-all"
      >
        {text}
      </pre>
      <CopyButton text={text} label={label} className="m-1 size-6 shrink-0" />
    </div>
  );
}

type CallSnippetProps = {
  values: ApiFormValues;
  moduleName: string | undefined;
  inputs: DebugInputs;
  api: ApiPublic | undefined;
};

/** How a client calls this API: its URL with the debug form's values, curl, the docs. */
export function CallSnippet({ values, moduleName, inputs, api }: CallSnippetProps) {
  const origin = window.location.origin;
  const call = gatewayCall(values, moduleName, inputs, origin);
  const docs = docsLink(api, moduleName);
  return (
    <section className="space-y-2 border-t pt-4" aria-label="Call this API">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h4 className="flex items-center gap-1.5 text-xs font-semibold tracking-wide text-muted-foreground uppercase">
          <TerminalIcon className="size-3.5" />
          Call it
        </h4>
        {docs ? (
          <a
            href={docs}
            target="_blank"
            rel="noreferrer"
            className="inline-flex items-center gap-1 text-xs text-primary hover:underline"
          >
            <BookOpenIcon className="size-3.5" />
            Gateway docs
          </a>
        ) : (
          <span className="text-xs text-muted-foreground">In the gateway docs once published</span>
        )}
      </div>
      <p className="truncate font-mono text-xs" data-testid="gateway-url" title={call.url}>
        {call.url}
      </p>
      <Command text={call.curl} label="Copy as curl" testId="curl-command" />
      {call.needsToken && (
        <details className="text-xs text-muted-foreground">
          <summary className="cursor-pointer">
            A private API needs a client's token in <code className="font-mono">SLUICE_TOKEN</code>
          </summary>
          <div className="mt-2 space-y-1.5">
            <p>Get one with the client's id and secret (Clients page):</p>
            <Command
              text={tokenCommand(origin)}
              label="Copy the token command"
              testId="token-command"
            />
          </div>
        </details>
      )}
    </section>
  );
}
