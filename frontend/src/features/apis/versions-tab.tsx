import { useQuery } from "@tanstack/react-query";
import { ArrowRightIcon, EyeIcon, HistoryIcon, RotateCcwIcon } from "lucide-react";
import { useId, useState } from "react";
import { apisReadApiVersionsOptions } from "@/client/@tanstack/react-query.gen";
import type { ApiVersionPublic } from "@/client/types.gen";
import { EmptyState } from "@/components/empty-state";
import { ErrorAlert } from "@/components/error-alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { NativeSelect } from "@/components/ui/native-select";
import { Skeleton } from "@/components/ui/skeleton";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/components/ui/table";
import { formatDateTime } from "@/lib/format";
import { RestoreVersionDialog } from "./restore-version-dialog";
import { DRAFT, VersionDiffPanel } from "./version-diff";
import { VersionSnapshotDialog } from "./version-snapshot-dialog";

type VersionsTabProps = {
  apiId: number;
  mayPublish: boolean;
  /** The user may restore past the module's failing tests. */
  mayForce: boolean;
  dirty: boolean;
  /** The saved draft differs from the live version: it can be compared with it. */
  draftDiffers: boolean;
  onRestored: () => Promise<void>;
};

type Pair = { from: number; to: number };

function VersionSelect(props: {
  label: string;
  versions: ApiVersionPublic[];
  value: number;
  onChange: (id: number) => void;
  /** Offer the saved draft as well. */
  withDraft?: boolean;
}) {
  const id = useId();
  return (
    <div className="flex items-center gap-2">
      <label htmlFor={id} className="sr-only">
        {props.label}
      </label>
      <NativeSelect
        id={id}
        className="w-44"
        value={props.value}
        onChange={(event) => props.onChange(Number(event.target.value))}
      >
        {props.withDraft && <option value={DRAFT}>Draft (saved)</option>}
        {props.versions.map((version) => (
          <option key={version.id} value={version.id}>
            v{version.version}
            {version.is_live ? " (live)" : ""}
          </option>
        ))}
      </NativeSelect>
    </div>
  );
}

type CompareProps = { apiId: number; versions: ApiVersionPublic[]; draftDiffers: boolean };

function firstPair(versions: ApiVersionPublic[], draftDiffers: boolean): Pair {
  // The live version against the draft when they differ; else, newest first, the one
  // before the newest against the newest.
  const live = versions.find((version) => version.is_live) ?? versions[0];
  if (draftDiffers) return { from: live?.id ?? 0, to: DRAFT };
  return { from: versions[1]?.id ?? versions[0]?.id ?? 0, to: versions[0]?.id ?? 0 };
}

function Compare({ apiId, versions, draftDiffers }: CompareProps) {
  const [pair, setPair] = useState<Pair>(() => firstPair(versions, draftDiffers));
  return (
    <Card>
      <CardHeader className="flex-row flex-wrap items-center justify-between gap-4 pb-4">
        <div className="space-y-1.5">
          <CardTitle>Compare</CardTitle>
          <CardDescription>
            What changed between two versions, or from a version to the saved draft.
          </CardDescription>
        </div>
        <div className="flex items-center gap-2">
          <VersionSelect
            label="Compare from"
            versions={versions}
            value={pair.from}
            onChange={(from) => setPair({ ...pair, from })}
          />
          <ArrowRightIcon className="size-4 text-muted-foreground" />
          <VersionSelect
            label="Compare to"
            withDraft={draftDiffers}
            versions={versions}
            value={pair.to}
            onChange={(to) => setPair({ ...pair, to })}
          />
        </div>
      </CardHeader>
      <CardContent>
        {pair.from === pair.to ? (
          <p className="text-sm text-muted-foreground">Pick two different versions.</p>
        ) : (
          <VersionDiffPanel apiId={apiId} fromId={pair.from} toId={pair.to} />
        )}
      </CardContent>
    </Card>
  );
}

function VersionsTable(props: {
  versions: ApiVersionPublic[];
  onView: (version: ApiVersionPublic) => void;
  onRestore?: (version: ApiVersionPublic) => void;
}) {
  return (
    <Card className="overflow-hidden">
      <Table aria-label="Versions">
        <TableHeader>
          <TableRow className="hover:bg-transparent">
            <TableHead>Version</TableHead>
            <TableHead>Message</TableHead>
            <TableHead>Published by</TableHead>
            <TableHead>Published</TableHead>
            <TableHead className="text-right">Actions</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {props.versions.map((version) => (
            <TableRow key={version.id}>
              <TableCell className="whitespace-nowrap">
                <span className="font-mono font-semibold">v{version.version}</span>
                {version.is_live && (
                  <Badge variant="success" className="ml-2">
                    <span className="size-1.5 rounded-full bg-current" />
                    Live
                  </Badge>
                )}
              </TableCell>
              <TableCell className="max-w-80 truncate">
                {version.message ?? <span className="text-muted-foreground">No message</span>}
              </TableCell>
              <TableCell className="text-muted-foreground">{version.created_by ?? "—"}</TableCell>
              <TableCell className="whitespace-nowrap text-muted-foreground">
                {formatDateTime(version.created_at)}
              </TableCell>
              <TableCell className="text-right whitespace-nowrap">
                <Button
                  variant="ghost"
                  size="sm"
                  aria-label={`View version ${version.version}`}
                  onClick={() => props.onView(version)}
                >
                  <EyeIcon />
                  View
                </Button>
                {props.onRestore && !version.is_live && (
                  <Button
                    variant="ghost"
                    size="sm"
                    aria-label={`Restore version ${version.version}`}
                    onClick={() => props.onRestore?.(version)}
                  >
                    <RotateCcwIcon />
                    Restore
                  </Button>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Card>
  );
}

/** Every published version: the live one marked, each to view or restore, any two to compare. */
export function VersionsTab(props: VersionsTabProps) {
  const { apiId, mayPublish, mayForce, dirty, draftDiffers, onRestored } = props;
  const versions = useQuery(apisReadApiVersionsOptions({ path: { api_id: apiId } }));
  const [viewing, setViewing] = useState<number | null>(null);
  const [restoring, setRestoring] = useState<ApiVersionPublic | null>(null);
  if (versions.isError) {
    return <ErrorAlert error={versions.error} />;
  }
  if (!versions.data) return <Skeleton className="h-40 w-full" />;
  const list = [...versions.data.data].sort((a, b) => b.version - a.version);
  if (list.length === 0) {
    return (
      <EmptyState icon={HistoryIcon} title="Not published yet">
        Publish the API to freeze its draft as version 1. Every later publish adds a version you can
        compare and restore.
      </EmptyState>
    );
  }
  return (
    <div className="space-y-6">
      <VersionsTable
        versions={list}
        onView={(version) => setViewing(version.id)}
        onRestore={mayPublish ? setRestoring : undefined}
      />
      {(list.length > 1 || draftDiffers) && (
        <Compare
          key={`${list[0]?.id}:${draftDiffers}`}
          apiId={apiId}
          versions={list}
          draftDiffers={draftDiffers}
        />
      )}
      <VersionSnapshotDialog apiId={apiId} versionId={viewing} onClose={() => setViewing(null)} />
      <RestoreVersionDialog
        apiId={apiId}
        version={restoring}
        dirty={dirty}
        mayForce={mayForce}
        onClose={() => setRestoring(null)}
        onRestored={onRestored}
      />
    </div>
  );
}
