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
import { useDatasources } from "./use-lookups";

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

type Param = Record<string, unknown>;

const PARAM_COLUMNS = ["name", "location", "type", "required", "default", "description"];

/** A param's other rules (pattern, bounds, allowed values) in one cell. */
function rules(param: Param): string {
  const shown = new Set(PARAM_COLUMNS);
  return Object.entries(param)
    .filter(([key, value]) => !shown.has(key) && value !== null && value !== undefined)
    .map(([key, value]) => `${key}: ${show(value)}`)
    .join("; ");
}

function ParamsTable({ params }: { params: Param[] }) {
  if (params.length === 0) return <p className="text-sm text-muted-foreground">None.</p>;
  return (
    <div className="overflow-x-auto rounded-lg border">
      <table className="w-full text-sm" aria-label="Parameters of this version">
        <thead className="bg-muted/50 text-left text-xs text-muted-foreground">
          <tr>
            {["Name", "In", "Type", "Required", "Default", "Rules", "Description"].map((h) => (
              <th key={h} className="px-3 py-2 font-medium">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {params.map((param) => (
            <tr key={String(param.name)} className="border-t align-top">
              <td className="px-3 py-2 font-mono text-xs">{show(param.name)}</td>
              <td className="px-3 py-2">{show(param.location)}</td>
              <td className="px-3 py-2">{show(param.type)}</td>
              <td className="px-3 py-2">{param.required ? "yes" : "no"}</td>
              <td className="px-3 py-2 font-mono text-xs">{show(param.default)}</td>
              <td className="px-3 py-2 text-xs">{rules(param) || "—"}</td>
              <td className="px-3 py-2 text-muted-foreground">{show(param.description)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A data source by name, its id on hover; the bare id when it is gone or unreadable. */
function sourceName(id: unknown, sources: ReturnType<typeof useDatasources>): ReactNode {
  if (id === null || id === undefined) return "—";
  const source = sources?.find((candidate) => candidate.id === id);
  return source ? <span title={`id ${id}`}>{source.name}</span> : `#${show(id)}`;
}

function Snapshot({ version }: { version: ApiVersionDetail }) {
  const sources = useDatasources();
  const snapshot = version.snapshot;
  const fields = Object.entries(snapshot).filter(([key]) => !SHOWN_ELSEWHERE.has(key));
  const params = Array.isArray(snapshot.params) ? (snapshot.params as Param[]) : [];
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
              <dt className="text-muted-foreground">
                {key === "datasource_id" ? "data source" : key}
              </dt>
              <dd className="truncate font-mono text-xs">
                {key === "datasource_id" ? sourceName(value, sources) : show(value)}
              </dd>
            </div>
          ))}
        </dl>
      </Section>
      <Section title={`Parameters (${params.length})`}>
        <ParamsTable params={params} />
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
