import { Badge } from "@/components/ui/badge";
import { cn } from "@/lib/utils";

const tones: Record<string, string> = {
  create: "bg-success/15 text-success",
  update: "bg-sky-500/12 text-sky-700 dark:text-sky-300",
  delete: "bg-destructive/12 text-destructive",
  debug: "bg-violet-500/12 text-violet-700 dark:text-violet-300",
};

/** What an admin did: create, update, delete or debug, each in its colour. */
export function ActionBadge({ action }: { action: string }) {
  return (
    <Badge
      variant="muted"
      className={cn("border-transparent capitalize", Object.hasOwn(tones, action) && tones[action])}
    >
      {action}
    </Badge>
  );
}
