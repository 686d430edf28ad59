import type { Permission } from "@/client/types.gen";
import { Checkbox } from "@/components/ui/checkbox";
import { allActions, groupByResource, permissionKey, resourceLabel } from "./permission-keys";

type PermissionMatrixProps = {
  /** Every permission that exists. */
  available: Permission[];
  selected: ReadonlySet<string>;
  onToggle?: (permission: Permission, checked: boolean) => void;
  disabled?: boolean;
};

/** Resources down, actions across, a checkbox where the pair exists. */
export function PermissionMatrix({
  available,
  selected,
  onToggle,
  disabled,
}: PermissionMatrixProps) {
  const actions = allActions(available);
  const resources = groupByResource(available);
  return (
    <div className="overflow-x-auto rounded-lg border">
      <table className="w-full text-sm">
        <thead className="bg-muted/50">
          <tr className="border-b">
            <th className="px-3 py-2 text-left text-xs font-medium text-muted-foreground uppercase">
              Resource
            </th>
            {actions.map((action) => (
              <th
                key={action}
                className="px-3 py-2 text-center text-xs font-medium text-muted-foreground uppercase"
              >
                {action}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {[...resources].map(([resource, resourceActions]) => (
            <tr key={resource} className="border-b last:border-0">
              <td className="px-3 py-2 font-medium">{resourceLabel(resource)}</td>
              {actions.map((action) => {
                const permission = { resource, action };
                return (
                  <td key={action} className="px-3 py-2 text-center">
                    {resourceActions.includes(action) ? (
                      <Checkbox
                        aria-label={`${resource} ${action}`}
                        checked={selected.has(permissionKey(permission))}
                        disabled={disabled}
                        onCheckedChange={(state) => onToggle?.(permission, state === true)}
                      />
                    ) : (
                      <span className="text-muted-foreground/50">—</span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
