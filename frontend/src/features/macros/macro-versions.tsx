import { useQuery } from "@tanstack/react-query";
import { ChevronRightIcon, HistoryIcon } from "lucide-react";
import { useState } from "react";
import { macrosReadMacroVersionsOptions } from "@/client/@tanstack/react-query.gen";
import type { MacroVersionPublic } from "@/client/types.gen";
import { CodeEditor } from "@/components/lazy-code-editor";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { errorMessage } from "@/lib/api";
import { formatDateTime } from "@/lib/format";
import { cn } from "@/lib/utils";
import type { MacroKind } from "./kind-badge";

function VersionItem(props: { version: MacroVersionPublic; latest: boolean; kind: MacroKind }) {
  const { version } = props;
  const [open, setOpen] = useState(props.latest);
  return (
    <li className="overflow-hidden rounded-lg border">
      <button
        type="button"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        className="flex w-full items-center gap-3 px-3 py-2.5 text-left text-sm outline-none hover:bg-accent/40 focus-visible:ring-[3px] focus-visible:ring-ring/50"
      >
        <ChevronRightIcon
          className={cn("size-4 text-muted-foreground transition-transform", open && "rotate-90")}
        />
        <span className="font-mono font-semibold">v{version.version}</span>
        {props.latest && <Badge variant="success">Latest</Badge>}
        <span className="min-w-0 flex-1 truncate">
          {version.message ?? <span className="text-muted-foreground">No message</span>}
        </span>
        <span className="hidden shrink-0 text-xs text-muted-foreground sm:inline">
          {version.created_by ?? "unknown"} · {formatDateTime(version.created_at)}
        </span>
      </button>
      {open && (
        <div className="border-t p-3">
          <CodeEditor
            label={`Content of version ${version.version}`}
            language={props.kind}
            jinja={props.kind === "sql"}
            readOnly
            value={version.content}
          />
        </div>
      )}
    </li>
  );
}

/** Every published version with its content, newest first. */
export function MacroVersions({ macroId, kind }: { macroId: number; kind: MacroKind }) {
  const versions = useQuery(macrosReadMacroVersionsOptions({ path: { macro_id: macroId } }));
  const list = [...(versions.data?.data ?? [])].sort((a, b) => b.version - a.version);
  return (
    <Card>
      <CardHeader className="pb-4">
        <CardTitle className="flex items-center gap-2">
          <HistoryIcon className="size-4 text-primary" />
          Versions
        </CardTitle>
        <CardDescription>
          Templates import the latest version when their API is published, and keep it.
        </CardDescription>
      </CardHeader>
      <CardContent>
        {versions.isError && (
          <p className="text-sm text-destructive">{errorMessage(versions.error)}</p>
        )}
        {versions.isPending && <Skeleton className="h-16 w-full" />}
        {versions.data && list.length === 0 && (
          <p className="rounded-lg border border-dashed px-4 py-6 text-center text-sm text-muted-foreground">
            Not published yet: templates cannot import it until it is.
          </p>
        )}
        {list.length > 0 && (
          <ul className="space-y-2" aria-label="Macro versions">
            {list.map((version, index) => (
              <VersionItem key={version.id} version={version} latest={index === 0} kind={kind} />
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}
