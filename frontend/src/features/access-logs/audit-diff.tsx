import type { AuditLogPublic } from "@/client/types.gen";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { cn } from "@/lib/utils";
import { type FieldChange, fieldChanges, MASK, valueText } from "./audit-changes";

function Value({ value, tone }: { value: unknown; tone?: "old" | "new" }) {
  if (value === undefined) return <span className="text-muted-foreground">—</span>;
  if (value === null) return <span className="font-mono text-xs text-muted-foreground">null</span>;
  if (value === MASK) {
    return <span className="text-xs text-muted-foreground italic">secret, not recorded</span>;
  }
  return (
    <pre
      className={cn(
        "max-h-64 overflow-auto rounded px-1.5 py-0.5 font-mono text-xs break-words whitespace-pre-wrap",
        tone === "old" && "bg-diff-removed",
        tone === "new" && "bg-diff-added",
      )}
    >
      {valueText(value)}
    </pre>
  );
}

function ChangeRow({
  change,
  showBefore,
  showAfter,
}: {
  change: FieldChange;
  showBefore: boolean;
  showAfter: boolean;
}) {
  const changed = change.kind !== "same";
  return (
    <tr className="border-b align-top last:border-0" data-kind={change.kind}>
      <td className="w-40 py-2 pr-3 font-mono text-xs">
        <span className={cn(changed ? "font-semibold" : "text-muted-foreground")}>
          {change.field}
        </span>
      </td>
      {showBefore && (
        <td className="py-2 pr-3">
          <Value value={change.before} tone={changed && showAfter ? "old" : undefined} />
        </td>
      )}
      {showAfter && (
        <td className="py-2">
          <Value value={change.after} tone={changed && showBefore ? "new" : undefined} />
        </td>
      )}
    </tr>
  );
}

function FieldTable({ entry }: { entry: AuditLogPublic }) {
  const changes = fieldChanges(entry);
  const showBefore = entry.before !== null;
  const showAfter = entry.after !== null;
  if (changes.length === 0) {
    return <p className="py-6 text-center text-sm text-muted-foreground">No fields recorded.</p>;
  }
  return (
    <table className="w-full table-fixed text-sm" aria-label="Changed fields">
      <thead>
        <tr className="border-b text-left text-xs tracking-wide text-muted-foreground uppercase">
          <th className="w-40 pb-2 font-medium">Field</th>
          {showBefore && <th className="pb-2 font-medium">Before</th>}
          {showAfter && (
            <th className="pb-2 font-medium">{entry.action === "debug" ? "Details" : "After"}</th>
          )}
        </tr>
      </thead>
      <tbody>
        {changes.map((change) => (
          <ChangeRow
            key={change.field}
            change={change}
            showBefore={showBefore}
            showAfter={showAfter}
          />
        ))}
      </tbody>
    </table>
  );
}

function JsonSide({ title, value, tone }: { title: string; value: unknown; tone: string }) {
  return (
    <div className="min-w-0 space-y-1.5">
      <h4 className="text-xs font-semibold tracking-wide text-muted-foreground uppercase">
        {title}
      </h4>
      <pre
        className={cn(
          "max-h-[28rem] overflow-auto rounded-lg border p-3 font-mono text-xs",
          value !== null && tone,
        )}
      >
        {value === null ? "—" : JSON.stringify(value, null, 2)}
      </pre>
    </div>
  );
}

/** Before and after of one admin change: field by field, or as JSON side by side. */
export function AuditDiff({ entry }: { entry: AuditLogPublic }) {
  return (
    <Tabs defaultValue="fields">
      <TabsList>
        <TabsTrigger value="fields">Fields</TabsTrigger>
        <TabsTrigger value="json">JSON</TabsTrigger>
      </TabsList>
      <TabsContent value="fields" className="mt-4">
        <FieldTable entry={entry} />
      </TabsContent>
      <TabsContent value="json" className="mt-4">
        <div className="grid gap-3 sm:grid-cols-2">
          <JsonSide title="Before" value={entry.before} tone="bg-diff-removed/40" />
          <JsonSide title="After" value={entry.after} tone="bg-diff-added/40" />
        </div>
      </TabsContent>
    </Tabs>
  );
}
