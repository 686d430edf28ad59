import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { ArrowUpRightIcon, FilterIcon } from "lucide-react";
import type { ReactNode } from "react";
import { recordsReadAccessLogOptions } from "@/client/@tanstack/react-query.gen";
import type { AccessRecordPublic } from "@/client/types.gen";
import { CopyButton } from "@/components/copy-button";
import { ErrorAlert } from "@/components/error-alert";
import { MethodBadge } from "@/components/method-badge";
import { Named } from "@/components/named";
import { StatusBadge } from "@/components/status-badge";
import { Button } from "@/components/ui/button";
import {
  Sheet,
  SheetBody,
  SheetContent,
  SheetDescription,
  SheetHeader,
  SheetTitle,
} from "@/components/ui/sheet";
import { Skeleton } from "@/components/ui/skeleton";
import {
  formatDuration,
  formatPreciseDateTime,
  formatRelative,
  parseTimestamp,
} from "@/lib/format";
import type { SearchChange } from "./search";

type CallSheetProps = {
  id: number | undefined;
  onChange: SearchChange;
  mayReadApis: boolean;
};

function Row({
  label,
  children,
  copy,
}: {
  label: string;
  children: ReactNode;
  copy?: string | null;
}) {
  return (
    <div className="grid grid-cols-[8rem_minmax(0,1fr)] items-start gap-3 border-b py-2.5 last:border-0">
      <dt className="pt-0.5 text-xs font-medium tracking-wide text-muted-foreground uppercase">
        {label}
      </dt>
      <dd className="flex min-w-0 items-start gap-1 text-sm">
        <div className="min-w-0 flex-1 break-words">
          {children ?? <span className="text-muted-foreground">—</span>}
        </div>
        {copy && (
          <CopyButton
            text={copy}
            label={`Copy the ${label.toLowerCase()}`}
            className="-my-1 size-7"
          />
        )}
      </dd>
    </div>
  );
}

function Mono({ children }: { children: ReactNode }) {
  return <code className="font-mono text-[13px]">{children}</code>;
}

function Fields({ record, mayReadApis }: { record: AccessRecordPublic; mayReadApis: boolean }) {
  return (
    <dl data-testid="call-details">
      <Row label="Time">
        {formatPreciseDateTime(record.at)}
        <span className="block text-xs text-muted-foreground">
          {parseTimestamp(record.at).toISOString()} · {formatRelative(record.at)}
        </span>
      </Row>
      <Row label="Status">
        <StatusBadge status={record.status} />
      </Row>
      <Row label="Error">{record.error && <Mono>{record.error}</Mono>}</Row>
      {record.message && (
        <Row label="Message">
          <span data-testid="call-message">{record.message}</span>
        </Row>
      )}
      <Row label="Method">
        <MethodBadge method={record.method} />
      </Row>
      <Row label="Path" copy={record.path}>
        <Mono>{record.path}</Mono>
      </Row>
      <Row label="Query string" copy={record.query_string}>
        {record.query_string && <Mono>?{record.query_string}</Mono>}
      </Row>
      <Row label="Via">{record.via === "mcp" ? "MCP tool call (/mcp)" : "HTTP"}</Row>
      <Row label="Module">{record.module && <Mono>/{record.module}</Mono>}</Row>
      <Row label="API">
        {record.api_id !== null &&
          (mayReadApis ? (
            <Link
              to="/apis/$id"
              params={{ id: record.api_id }}
              className="inline-flex items-center gap-1 text-primary hover:underline"
            >
              <Named name={record.api_name} id={`API #${record.api_id}`} />
              <ArrowUpRightIcon className="size-3.5" />
            </Link>
          ) : (
            <Named name={record.api_name} id={`API #${record.api_id}`} />
          ))}
      </Row>
      <Row label="Client">
        {record.client_id && <Named name={record.client_name} id={record.client_id} />}
      </Row>
      <Row label="Client ID" copy={record.client_id}>
        {record.client_id && <Mono>{record.client_id}</Mono>}
      </Row>
      <Row label="IP address">{record.ip && <Mono>{record.ip}</Mono>}</Row>
      <Row label="Duration">
        <Mono>{formatDuration(record.duration_ms)}</Mono>
      </Row>
      <Row label="Request ID" copy={record.request_id}>
        {record.request_id && <Mono>{record.request_id}</Mono>}
      </Row>
      <Row label="Record ID">
        <Mono>{record.id}</Mono>
      </Row>
    </dl>
  );
}

function Body({ body }: { body: string }) {
  return (
    <section className="mt-6 space-y-2" aria-label="Request body">
      <div className="flex items-center justify-between">
        <h3 className="text-xs font-semibold tracking-wide text-muted-foreground uppercase">
          Request body
        </h3>
        <CopyButton text={body} label="Copy the body" className="size-7" />
      </div>
      <pre className="max-h-80 overflow-auto rounded-lg border bg-muted/40 p-3 font-mono text-xs whitespace-pre-wrap">
        {body}
      </pre>
    </section>
  );
}

/** Every field of one call, in a panel over the list. */
export function CallSheet({ id, onChange, mayReadApis }: CallSheetProps) {
  const record = useQuery({
    ...recordsReadAccessLogOptions({ path: { record_id: id ?? 0 } }),
    enabled: id !== undefined,
  });
  const data = record.data;
  return (
    <Sheet
      open={id !== undefined}
      onOpenChange={(open) => !open && onChange({ record: undefined })}
    >
      <SheetContent>
        <SheetHeader>
          <SheetTitle>Call #{id}</SheetTitle>
          <SheetDescription className="flex min-w-0 items-center gap-2">
            {data ? (
              <>
                <MethodBadge method={data.method} className="w-auto px-1.5" />
                <span className="truncate font-mono">{data.path}</span>
                <StatusBadge status={data.status} />
              </>
            ) : (
              "Loading…"
            )}
          </SheetDescription>
        </SheetHeader>
        <SheetBody>
          {record.isError && <ErrorAlert error={record.error} />}
          {record.isPending && id !== undefined && (
            <div className="space-y-3">
              <Skeleton className="h-5 w-2/3" />
              <Skeleton className="h-5 w-full" />
              <Skeleton className="h-5 w-full" />
            </div>
          )}
          {data && (
            <>
              <Fields record={data} mayReadApis={mayReadApis} />
              {data.body && <Body body={data.body} />}
              {data.client_id && (
                <Button
                  variant="outline"
                  size="sm"
                  className="mt-6"
                  onClick={() =>
                    onChange({
                      client: data.client_id ?? undefined,
                      record: undefined,
                      page: undefined,
                    })
                  }
                >
                  <FilterIcon />
                  Calls of this client
                </Button>
              )}
            </>
          )}
        </SheetBody>
      </SheetContent>
    </Sheet>
  );
}
