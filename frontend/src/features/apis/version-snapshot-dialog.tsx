import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { apisReadApiVersionOptions } from "@/client/@tanstack/react-query.gen";
import type { ApiVersionDetail } from "@/client/types.gen";
import { CodeEditor } from "@/components/lazy-code-editor";
import { Badge } from "@/components/ui/badge";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { Skeleton } from "@/components/ui/skeleton";
import { errorMessage } from "@/lib/api";
import { formatDateTime } from "@/lib/format";

type VersionSnapshotDialogProps = {
  apiId: number;
  /** The version to show; null keeps the dialog closed. */
  versionId: number | null;
  onClose: () => void;
};

const SHOWN_ELSEWHERE = new Set(["content", "result_transform", "params"]);

function show(value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="min-w-0 space-y-2">
      <h4 className="text-xs font-semibold tracking-wide text-muted-foreground uppercase">
        {title}
      </h4>
      {children}
    </section>
  );
}

function Snapshot({ version }: { version: ApiVersionDetail }) {
  const snapshot = version.snapshot;
  const fields = Object.entries(snapshot).filter(([key]) => !SHOWN_ELSEWHERE.has(key));
  const params = Array.isArray(snapshot.params) ? (snapshot.params as unknown[]) : [];
  const macros = Object.entries(version.macro_versions);
  const transform = typeof snapshot.result_transform === "string" ? snapshot.result_transform : "";
  return (
    <div className="grid gap-5">
      <Section title="SQL template">
        <CodeEditor
          label={`SQL template of version ${version.version}`}
          language="sql"
          jinja
          readOnly
          value={typeof snapshot.content === "string" ? snapshot.content : ""}
        />
      </Section>
      {transform && (
        <Section title="Result transform">
          <CodeEditor label="Result transform" language="python" readOnly value={transform} />
        </Section>
      )}
      <Section title="Settings">
        <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
          {fields.map(([key, value]) => (
            <div key={key} className="flex min-w-0 justify-between gap-3 border-b py-1">
              <dt className="text-muted-foreground">{key}</dt>
              <dd className="truncate font-mono text-xs">{show(value)}</dd>
            </div>
          ))}
        </dl>
      </Section>
      <Section title={`Parameters (${params.length})`}>
        <pre className="max-h-48 overflow-auto rounded-lg border bg-muted/40 p-3 font-mono text-xs">
          {JSON.stringify(params, null, 2)}
        </pre>
      </Section>
      {macros.length > 0 && (
        <Section title="Macros">
          <div className="flex flex-wrap gap-2">
            {macros.map(([name, id]) => (
              <Badge key={name} variant="secondary" className="font-mono">
                {name} · #{id}
              </Badge>
            ))}
          </div>
        </Section>
      )}
    </div>
  );
}

/** The frozen copy of one version: its SQL, its settings, its parameters and macros. */
export function VersionSnapshotDialog({ apiId, versionId, onClose }: VersionSnapshotDialogProps) {
  const version = useQuery({
    ...apisReadApiVersionOptions({ path: { api_id: apiId, version_id: versionId ?? 0 } }),
    enabled: versionId !== null,
  });
  const data = version.data;
  return (
    <Dialog open={versionId !== null} onOpenChange={(open) => !open && onClose()}>
      <DialogContent className="max-w-3xl">
        <DialogHeader>
          <DialogTitle className="flex items-center gap-2">
            Version {data?.version}
            {data?.is_live && <Badge variant="success">Live</Badge>}
          </DialogTitle>
          <DialogDescription>
            {data
              ? `${data.message ?? "No message"} · ${data.created_by ?? "unknown"} · ${formatDateTime(data.created_at)}`
              : "Loading…"}
          </DialogDescription>
        </DialogHeader>
        {version.isError && (
          <p className="text-sm text-destructive">{errorMessage(version.error)}</p>
        )}
        {version.isPending && <Skeleton className="h-48 w-full" />}
        {data && <Snapshot version={data} />}
      </DialogContent>
    </Dialog>
  );
}
