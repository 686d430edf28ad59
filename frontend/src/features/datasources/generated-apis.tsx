import { InfoIcon } from "lucide-react";
import type { GeneratedApi, GenerateResult, ParamDef } from "@/client/types.gen";
import { CodeEditor } from "@/components/lazy-code-editor";
import { MethodBadge } from "@/components/method-badge";
import { Alert } from "@/components/ui/alert";

/** What the server left out and why (no key: list only; no RETURNING...). */
export function GenerateMessages({ messages }: { messages: string[] }) {
  if (messages.length === 0) return null;
  return (
    <Alert variant="warning" aria-label="Generator messages">
      <InfoIcon />
      <ul className="space-y-1">
        {messages.map((message) => (
          <li key={message}>{message}</li>
        ))}
      </ul>
    </Alert>
  );
}

function ParamList({ params }: { params: ParamDef[] }) {
  if (params.length === 0) {
    return <p className="text-xs text-muted-foreground">No parameters.</p>;
  }
  return (
    <ul aria-label="Parameters" className="flex flex-wrap gap-x-4 gap-y-1 text-xs">
      {params.map((param) => (
        <li key={`${param.location}-${param.name}`}>
          <code className="font-mono font-medium">{param.name}</code>
          <span className="text-muted-foreground">
            {" "}
            {param.type ?? "string"} in {param.location}
            {param.required && ", required"}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** One generated API: its route, its SQL template (read only) and its parameters. */
function GeneratedApiCard({ api }: { api: GeneratedApi }) {
  return (
    <article
      aria-label={`${api.method} ${api.url}`}
      className="overflow-hidden rounded-lg border bg-card"
    >
      <header className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b px-4 py-2.5">
        <MethodBadge method={api.method} />
        <code className="font-mono text-sm font-medium">{api.url}</code>
        <span className="truncate text-sm text-muted-foreground">{api.name}</span>
      </header>
      <CodeEditor
        readOnly
        jinja
        language="sql"
        label={`SQL of ${api.name}`}
        value={api.sql}
        className="rounded-none border-0 shadow-none"
      />
      <footer className="border-t bg-muted/20 px-4 py-2.5">
        <ParamList params={api.params} />
      </footer>
    </article>
  );
}

/** A preview's APIs, or those just created, with what was left out. */
export function GeneratedApis({ result }: { result: GenerateResult }) {
  const key = result.primary_key;
  return (
    <div className="space-y-3">
      <p className="text-sm text-muted-foreground">
        {result.apis.length} {result.apis.length === 1 ? "API" : "APIs"} in module{" "}
        <span className="font-medium text-foreground">{result.module_name}</span>
        {result.module_id === null && " (new)"}
        {key.length > 0 && (
          <>
            {" "}
            · key <code className="font-mono text-foreground">{key.join(", ")}</code>
          </>
        )}
      </p>
      <GenerateMessages messages={result.messages ?? []} />
      {key.length === 0 && (
        <p className="text-sm text-muted-foreground">
          Tick the <span className="font-medium text-foreground">Key</span> of the columns that
          identify one row to get the other APIs.
        </p>
      )}
      {result.apis.map((api) => (
        <GeneratedApiCard key={`${api.method} ${api.path}`} api={api} />
      ))}
    </div>
  );
}
