import type { AuditLogPublic } from "@/client/types.gen";
import { ActionBadge } from "@/components/action-badge";
import { Named } from "@/components/named";
import {
  Sheet,
  SheetBody,
  SheetContent,
  SheetDescription,
  SheetHeader,
  SheetTitle,
} from "@/components/ui/sheet";
import { formatPreciseDateTime } from "@/lib/format";
import { AuditDiff } from "./audit-diff";

type AuditSheetProps = { entry: AuditLogPublic | null; onClose: () => void };

/** One admin change: who, when, and its before and after. */
export function AuditSheet({ entry, onClose }: AuditSheetProps) {
  return (
    <Sheet open={entry !== null} onOpenChange={(open) => !open && onClose()}>
      <SheetContent className="max-w-3xl">
        {entry && (
          <>
            <SheetHeader>
              <SheetTitle className="flex items-center gap-2">
                <ActionBadge action={entry.action} after={entry.after} />
                <span className="text-muted-foreground">{entry.resource}</span>
                {entry.resource_id && (
                  <Named
                    name={entry.resource_name}
                    id={`${entry.resource} #${entry.resource_id}`}
                  />
                )}
              </SheetTitle>
              <SheetDescription>
                {entry.actor ?? "The system"} · {formatPreciseDateTime(entry.at)}
              </SheetDescription>
            </SheetHeader>
            <SheetBody>
              <AuditDiff entry={entry} />
            </SheetBody>
          </>
        )}
      </SheetContent>
    </Sheet>
  );
}
