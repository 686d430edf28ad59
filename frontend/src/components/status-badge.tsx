import { cn } from "@/lib/utils";

function tone(status: number): string {
  if (status >= 500) return "bg-destructive/12 text-destructive";
  if (status >= 400) return "bg-amber-500/15 text-amber-700 dark:text-amber-300";
  if (status >= 300) return "bg-sky-500/12 text-sky-700 dark:text-sky-300";
  return "bg-success/15 text-success";
}

/** An HTTP status, coloured by its class: 2xx green, 3xx blue, 4xx amber, 5xx red. */
export function StatusBadge({ status, className }: { status: number; className?: string }) {
  return (
    <span
      className={cn(
        "inline-flex items-center rounded-md px-1.5 py-0.5 font-mono text-xs font-semibold tabular-nums",
        tone(status),
        className,
      )}
    >
      {status}
    </span>
  );
}
