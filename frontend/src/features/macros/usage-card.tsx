import type { MacroPublic } from "@/client/types.gen";
import { CopyButton } from "@/components/copy-button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { importSnippet } from "./form-values";
import { UsageList } from "./used-by";

/** How to import the macro, and which live APIs pin which version of it. */
export function UsageCard({ macro, name }: { macro?: MacroPublic; name: string }) {
  const snippet = importSnippet(name);
  return (
    <Card>
      <CardHeader className="pb-3">
        <CardTitle className="text-sm">Usage</CardTitle>
      </CardHeader>
      <CardContent className="space-y-4">
        {(macro?.kind ?? "sql") === "sql" && (
          <div className="flex items-start gap-1 rounded-md border bg-muted/40 py-1.5 pr-1 pl-3">
            <code className="min-w-0 flex-1 py-1 font-mono text-xs break-all">{snippet}</code>
            <CopyButton text={snippet} label="Copy the import" className="size-7" />
          </div>
        )}
        {macro && (
          <div className="space-y-1">
            <h4 className="text-xs font-semibold tracking-wide text-muted-foreground uppercase">
              Used by
            </h4>
            <UsageList usages={macro.used_by ?? []} latest={macro.latest_version ?? null} />
          </div>
        )}
      </CardContent>
    </Card>
  );
}
