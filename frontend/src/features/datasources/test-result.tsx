import { CheckCircle2Icon, XCircleIcon } from "lucide-react";
import type { DatasourceTestResult } from "@/client/types.gen";
import { badgeVariants } from "@/components/ui/badge";
import { Popover, PopoverContent, PopoverTrigger } from "@/components/ui/popover";
import { cn } from "@/lib/utils";

export function latencyText(result: DatasourceTestResult): string | null {
  return result.latency_ms === null || result.latency_ms === undefined
    ? null
    : `${Math.round(result.latency_ms)} ms`;
}

/** "Connected · 12 ms" or "Failed"; a click shows the server's message. */
export function TestResultBadge({ result }: { result: DatasourceTestResult }) {
  const latency = latencyText(result);
  return (
    <Popover>
      <PopoverTrigger
        className={cn(
          badgeVariants({ variant: result.ok ? "success" : "destructive" }),
          "cursor-pointer outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50",
        )}
      >
        {result.ok ? <CheckCircle2Icon /> : <XCircleIcon />}
        {result.ok ? "Connected" : "Failed"}
        {result.ok && latency && <span className="opacity-75">· {latency}</span>}
      </PopoverTrigger>
      <PopoverContent align="start" className="space-y-1.5">
        <p className={cn("font-medium", result.ok ? "text-success" : "text-destructive")}>
          {result.ok ? "Connection works" : "Connection failed"}
        </p>
        <p className="break-words text-muted-foreground">{result.message}</p>
        {latency && <p className="text-xs text-muted-foreground">Answered in {latency}.</p>}
      </PopoverContent>
    </Popover>
  );
}
