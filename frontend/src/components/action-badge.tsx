import { Badge } from "@/components/ui/badge";
import { cn } from "@/lib/utils";

const tones: Record<string, string> = {
  create: "bg-success/15 text-success",
  update: "bg-sky-500/12 text-sky-700 dark:text-sky-300",
  delete: "bg-destructive/12 text-destructive",
  debug: "bg-violet-500/12 text-violet-700 dark:text-violet-300",
  publish: "bg-primary/12 text-primary",
  force_publish: "bg-amber-500/15 text-amber-800 dark:text-amber-300",
  restore: "bg-primary/12 text-primary",
  force_restore: "bg-amber-500/15 text-amber-800 dark:text-amber-300",
  unpublish: "bg-muted text-muted-foreground",
};

type Details = Record<string, unknown> | null | undefined;

function versionOf(details: Details, key: string): string {
  const value = details?.[key];
  return typeof value === "number" ? ` v${value}` : "";
}

/**
 * What an audit entry's action reads as: a publish names its version ("Published v3"), a
 * restore the version it brought back ("Restored v1"), a debug run is "Debug run"; plain
 * changes keep their verb (create, update, delete).
 */
export function actionLabel(action: string, after?: Details): string {
  const forced = action.startsWith("force_") ? " (forced)" : "";
  switch (action) {
    case "publish":
    case "force_publish":
      return `Published${versionOf(after, "version")}${forced}`;
    case "restore":
    case "force_restore":
      return `Restored${versionOf(after, "restored_version")}${forced}`;
    case "unpublish":
      return "Unpublished";
    case "debug":
      return "Debug run";
    default:
      return action;
  }
}

/** What an admin did, in its colour: its `after` gives a publish's or restore's version. */
export function ActionBadge({ action, after }: { action: string; after?: Details }) {
  const label = actionLabel(action, after);
  return (
    <Badge
      variant="muted"
      title={label === action ? undefined : action}
      className={cn(
        "border-transparent whitespace-nowrap",
        label === action && "capitalize",
        Object.hasOwn(tones, action) && tones[action],
      )}
    >
      {label}
    </Badge>
  );
}
