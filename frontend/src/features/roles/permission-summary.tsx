import type { Permission } from "@/client/types.gen";
import { Badge } from "@/components/ui/badge";
import { groupByResource, resourceLabel } from "./permission-keys";

type PermissionSummaryProps = { permissions: Permission[]; availableCount: number | undefined };

/** One badge per resource with its actions, or "All permissions". */
export function PermissionSummary({ permissions, availableCount }: PermissionSummaryProps) {
  if (permissions.length === 0) {
    return <span className="text-muted-foreground">No permissions</span>;
  }
  if (availableCount !== undefined && permissions.length >= availableCount) {
    return <Badge>All permissions</Badge>;
  }
  return (
    <div className="flex flex-wrap gap-1">
      {[...groupByResource(permissions)].map(([resource, actions]) => (
        <Badge key={resource} variant="outline" className="font-normal">
          <span className="font-medium">{resourceLabel(resource)}</span>
          <span className="text-muted-foreground">{actions.join(" · ")}</span>
        </Badge>
      ))}
    </div>
  );
}
