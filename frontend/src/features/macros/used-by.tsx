import { Link } from "@tanstack/react-router";
import { TriangleAlertIcon } from "lucide-react";
import type { MacroUsage } from "@/client/types.gen";
import { badgeVariants } from "@/components/ui/badge";
import { Popover, PopoverContent, PopoverTrigger } from "@/components/ui/popover";
import { cn } from "@/lib/utils";

/** The live APIs that pin an older version than the latest. */
export function staleUsages(usages: MacroUsage[]): MacroUsage[] {
  return usages.filter((usage) => !usage.is_latest);
}

/** One line per live API that imports the macro, warning where it pins an old version. */
export function UsageList({ usages, latest }: { usages: MacroUsage[]; latest: number | null }) {
  if (usages.length === 0) {
    return <p className="text-sm text-muted-foreground">No published API imports it.</p>;
  }
  return (
    <ul className="divide-y text-sm">
      {usages.map((usage) => (
        <li key={usage.api_id} className="flex items-center justify-between gap-3 py-2">
          <Link
            to="/apis/$id"
            params={{ id: usage.api_id }}
            className="min-w-0 truncate font-medium hover:underline"
          >
            {usage.api_name}
          </Link>
          <span
            className={cn(
              "flex shrink-0 items-center gap-1 font-mono text-xs",
              usage.is_latest ? "text-muted-foreground" : "text-amber-700 dark:text-amber-400",
            )}
            title={
              usage.is_latest
                ? undefined
                : `v${latest} is the latest: publish the API again to use it`
            }
          >
            {!usage.is_latest && <TriangleAlertIcon className="size-3.5" />}v{usage.pinned_version}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** "3 APIs", with a warning and the list in a popover when some pin an older version. */
export function UsedByCell({ usages, latest }: { usages: MacroUsage[]; latest: number | null }) {
  if (usages.length === 0) return <span className="text-muted-foreground">—</span>;
  const stale = staleUsages(usages).length;
  return (
    <Popover>
      <PopoverTrigger
        className={cn(
          badgeVariants({ variant: stale > 0 ? "outline" : "secondary" }),
          "cursor-pointer outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50",
          stale > 0 && "border-amber-500/40 text-amber-700 dark:text-amber-400",
        )}
      >
        {stale > 0 && <TriangleAlertIcon />}
        {usages.length} {usages.length === 1 ? "API" : "APIs"}
      </PopoverTrigger>
      <PopoverContent align="start" className="space-y-2">
        {stale > 0 && (
          <p className="text-xs text-amber-700 dark:text-amber-400">
            {stale} of them {stale === 1 ? "pins" : "pin"} an older version. Publish those APIs
            again to use v{latest}.
          </p>
        )}
        <UsageList usages={usages} latest={latest} />
      </PopoverContent>
    </Popover>
  );
}
