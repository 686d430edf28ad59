import type { ReactNode } from "react";
import { TableCell } from "@/components/ui/table";
import { cn } from "@/lib/utils";

/** A table row's last cell: its action buttons, right-aligned on one line. */
export function RowActionsCell({
  className,
  children,
}: {
  className?: string;
  children: ReactNode;
}) {
  return (
    <TableCell className={cn("text-right whitespace-nowrap", className)}>{children}</TableCell>
  );
}
