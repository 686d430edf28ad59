import { Link, type LinkProps } from "@tanstack/react-router";
import { ArrowUpRightIcon, type LucideIcon } from "lucide-react";
import type { ReactNode } from "react";
import { Card } from "@/components/ui/card";
import { cn } from "@/lib/utils";

type StatCardProps = {
  label: string;
  value: number;
  icon: LucideIcon;
  /** A line under the number: "3 published". */
  detail?: ReactNode;
  /** Where the card leads; none when the user may not open that page. */
  to?: LinkProps["to"];
  tone?: "default" | "danger";
};

/** One count of the overview, a link to its page. */
export function StatCard({
  label,
  value,
  icon: Icon,
  detail,
  to,
  tone = "default",
}: StatCardProps) {
  const body = (
    <Card
      className={cn(
        "group relative h-full p-5 transition-colors",
        to && "hover:border-primary/40 hover:bg-accent/30",
      )}
    >
      <div className="flex items-center justify-between gap-2">
        <span className="text-sm font-medium text-muted-foreground">{label}</span>
        <span
          className={cn(
            "flex size-8 items-center justify-center rounded-lg bg-accent text-accent-foreground",
            tone === "danger" && value > 0 && "bg-destructive/12 text-destructive",
          )}
        >
          <Icon className="size-4" />
        </span>
      </div>
      <p
        className={cn(
          "mt-3 text-3xl font-semibold tracking-tight tabular-nums",
          tone === "danger" && value > 0 && "text-destructive",
        )}
        data-testid={`stat-${label.toLowerCase().replace(/\W+/g, "-").replace(/^-|-$/g, "")}`}
      >
        {value.toLocaleString()}
      </p>
      {detail && <p className="mt-1 text-xs text-muted-foreground">{detail}</p>}
      {to && (
        <ArrowUpRightIcon className="absolute right-5 bottom-5 size-4 text-muted-foreground opacity-0 transition-opacity group-hover:opacity-100" />
      )}
    </Card>
  );
  if (!to) return body;
  return (
    <Link
      to={to}
      className="rounded-xl outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
    >
      {body}
    </Link>
  );
}
