import { CheckCircle2Icon, ClockIcon, XCircleIcon } from "lucide-react";
import type { ReactNode } from "react";
import type { DebugResult, ResultColumnPublic } from "@/client/types.gen";
import { CopyButton } from "@/components/copy-button";
import { CodeEditor } from "@/components/lazy-code-editor";
import { Badge } from "@/components/ui/badge";
import { isRowList, ResultTable } from "./result-table";

function Heading({ children, action }: { children: ReactNode; action?: ReactNode }) {
  return (
    <div className="flex items-center justify-between gap-2">
      <h4 className="text-xs font-semibold tracking-wide text-muted-foreground uppercase">
        {children}
      </h4>
      {action}
    </div>
  );
}

function Summary({ result, action }: { result: DebugResult; action?: ReactNode }) {
  const rows = isRowList(result.data) ? result.data.length : null;
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="debug-summary">
      {result.ok ? (
        <Badge variant="success">
          <CheckCircle2Icon />
          Succeeded
        </Badge>
      ) : (
        <Badge variant="destructive">
          <XCircleIcon />
          Failed
        </Badge>
      )}
      <Badge variant="muted" className="font-mono">
        <ClockIcon />
        {Math.round(result.duration_ms * 10) / 10} ms
      </Badge>
      {rows !== null && (
        <Badge variant="muted">
          {rows} {rows === 1 ? "row" : "rows"}
        </Badge>
      )}
      {action && <div className="ml-auto">{action}</div>}
    </div>
  );
}

function Data({ data }: { data: unknown }) {
  if (isRowList(data)) return <ResultTable rows={data} />;
  if (Array.isArray(data) && data.length === 0) {
    return (
      <p className="rounded-lg border border-dashed px-4 py-6 text-center text-sm text-muted-foreground">
        The query returned no rows.
      </p>
    );
  }
  return (
    <pre className="max-h-96 overflow-auto rounded-lg border bg-muted/40 p-3 font-mono text-xs">
      {JSON.stringify(data, null, 2)}
    </pre>
  );
}

function BoundValues({ values }: { values: unknown[] }) {
  if (values.length === 0) {
    return <p className="text-sm text-muted-foreground">No values were bound.</p>;
  }
  return (
    <ol className="divide-y rounded-lg border text-sm" aria-label="Bound values">
      {values.map((value, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: bound values are positional
        <li key={index} className="flex items-baseline gap-3 px-3 py-1.5">
          <span className="w-6 text-right font-mono text-xs text-muted-foreground">
            {index + 1}
          </span>
          <span className="min-w-0 flex-1 truncate font-mono">{JSON.stringify(value)}</span>
          <span className="text-xs text-muted-foreground">
            {value === null ? "null" : typeof value}
          </span>
        </li>
      ))}
    </ol>
  );
}

function typeText(schema: { [key: string]: unknown }): string {
  const type = schema.type;
  const base = Array.isArray(type) ? type.filter((t) => t !== "null").join(" | ") : type;
  const format = typeof schema.format === "string" ? ` (${schema.format})` : "";
  return base ? `${String(base)}${format}` : "any";
}

/** The result's columns as the data source describes them: what publishing stores. */
function Columns({ columns }: { columns: ResultColumnPublic[] }) {
  return (
    <section className="space-y-2" aria-label="Result columns">
      <Heading>Result columns</Heading>
      <ul className="divide-y rounded-lg border text-sm">
        {columns.map((column) => (
          <li key={column.name} className="flex items-baseline gap-3 px-3 py-1.5">
            <span className="min-w-0 flex-1 truncate font-mono">{column.name}</span>
            <span className="text-xs text-muted-foreground">{column.db_type || "?"}</span>
            <span className="font-mono text-xs">
              {typeText(column.json_schema ?? {})}
              {column.nullable === false ? "" : " | null"}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Logs({ lines }: { lines: string[] }) {
  return (
    <section className="space-y-2" aria-label="Logs">
      <Heading
        action={<CopyButton text={lines.join("\n")} label="Copy the logs" className="size-6" />}
      >
        Logs
      </Heading>
      <pre
        data-testid="debug-logs"
        className="max-h-72 overflow-auto rounded-lg border bg-muted/40 p-3 font-mono text-xs leading-relaxed"
      >
        {lines.map((line, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: log lines are positional
          <div key={index} className="flex gap-3">
            <span className="w-6 shrink-0 text-right text-muted-foreground select-none">
              {index + 1}
            </span>
            <span className="min-w-0 break-words whitespace-pre-wrap">{line}</span>
          </div>
        ))}
      </pre>
    </section>
  );
}

/**
 * What a debug run gave: the error or the data, what the script logged, then the SQL that
 * ran and its values. `action` sits at the end of the summary line.
 */
export function DebugResultView({ result, action }: { result: DebugResult; action?: ReactNode }) {
  return (
    <div className="@container space-y-4" data-testid="debug-result">
      <Summary result={result} action={action} />
      {result.error && (
        <div
          role="alert"
          className="rounded-lg border border-destructive/30 bg-destructive/10 p-3 text-destructive"
        >
          <p className="text-sm font-medium">The run failed</p>
          <pre className="mt-1 font-mono text-xs break-words whitespace-pre-wrap">
            {result.error}
          </pre>
        </div>
      )}
      {result.ok && (
        <section className="space-y-2" aria-label="Result">
          <Heading>Result</Heading>
          <Data data={result.data} />
        </section>
      )}
      {result.result_columns && result.result_columns.length > 0 && (
        <Columns columns={result.result_columns} />
      )}
      {result.logs && result.logs.length > 0 && <Logs lines={result.logs} />}
      {(result.rendered_sql || result.bind_params) && (
        // Side by side only when the panel itself is wide: beside the editor it is narrow.
        <div className="grid gap-4 @3xl:grid-cols-[minmax(0,1fr)_16rem]">
          {result.rendered_sql && (
            <section className="min-w-0 space-y-2" aria-label="Rendered SQL">
              <Heading
                action={
                  <CopyButton text={result.rendered_sql} label="Copy the SQL" className="size-6" />
                }
              >
                Rendered SQL
              </Heading>
              <CodeEditor
                label="Rendered SQL"
                language="sql"
                readOnly
                lineNumbers={false}
                value={result.rendered_sql}
              />
            </section>
          )}
          {result.bind_params && (
            <section className="min-w-0 space-y-2">
              <Heading>Bound values</Heading>
              <BoundValues values={result.bind_params} />
            </section>
          )}
        </div>
      )}
    </div>
  );
}
