import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import {
  rolesCreateRoleMutation,
  rolesUpdateRoleMutation,
} from "@/client/@tanstack/react-query.gen";
import type { Permission, RolePublic } from "@/client/types.gen";
import { ErrorAlert } from "@/components/error-alert";
import { FormDialog, FormDialogFooter, SubmitButton } from "@/components/form-dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { permissionKey } from "./permission-keys";
import { PermissionMatrix } from "./permission-matrix";
import { useRefreshRoles } from "./use-refresh-roles";

type RoleFormDialogProps = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The role to edit or view; without it the dialog creates one. */
  role?: RolePublic;
  /** Every permission that exists. */
  available: Permission[];
  /** Show the role without letting it change (built-in roles, or no write permission). */
  readOnly: boolean;
};

type RoleFormProps = Omit<RoleFormDialogProps, "open" | "onOpenChange"> & { onDone: () => void };

function RoleForm({ role, available, readOnly, onDone }: RoleFormProps) {
  const [name, setName] = useState(role?.name ?? "");
  const [description, setDescription] = useState(role?.description ?? "");
  const [selected, setSelected] = useState(
    () => new Set((role?.permissions ?? []).map(permissionKey)),
  );
  const refreshRoles = useRefreshRoles();
  const onSuccess = async () => {
    await refreshRoles();
    onDone();
  };
  const create = useMutation({ ...rolesCreateRoleMutation(), onSuccess });
  const update = useMutation({ ...rolesUpdateRoleMutation(), onSuccess });
  const mutation = role ? update : create;
  const ids = { name: useId(), description: useId() };

  function toggle(permission: Permission, checked: boolean) {
    setSelected((old) => {
      const next = new Set(old);
      if (checked) next.add(permissionKey(permission));
      else next.delete(permissionKey(permission));
      return next;
    });
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const body = {
      name: name.trim(),
      description: description.trim() || null,
      permissions: available.filter((p) => selected.has(permissionKey(p))),
    };
    if (role) update.mutate({ path: { role_id: role.id }, body });
    else create.mutate({ body });
  }

  return (
    <form className="grid gap-4" onSubmit={submit}>
      {mutation.isError && <ErrorAlert error={mutation.error} />}
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="space-y-2">
          <Label htmlFor={ids.name}>Name</Label>
          <Input
            id={ids.name}
            required
            disabled={readOnly}
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        </div>
        <div className="space-y-2">
          <Label htmlFor={ids.description}>Description</Label>
          <Input
            id={ids.description}
            disabled={readOnly}
            value={description}
            onChange={(event) => setDescription(event.target.value)}
          />
        </div>
      </div>
      <div className="space-y-2">
        <span className="text-sm font-medium">Permissions</span>
        <PermissionMatrix
          available={available}
          selected={selected}
          onToggle={toggle}
          disabled={readOnly}
        />
      </div>
      <FormDialogFooter closeLabel={readOnly ? "Close" : "Cancel"}>
        {!readOnly && (
          <SubmitButton pending={mutation.isPending}>
            {role ? "Save changes" : "Create role"}
          </SubmitButton>
        )}
      </FormDialogFooter>
    </form>
  );
}

function dialogTitle(role: RolePublic | undefined, readOnly: boolean): string {
  if (!role) return "New role";
  return readOnly ? `Role ${role.name}` : `Edit role ${role.name}`;
}

/** Create, edit or view a role with its permission matrix. */
export function RoleFormDialog({ open, onOpenChange, ...formProps }: RoleFormDialogProps) {
  const { role, readOnly } = formProps;
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      className="max-w-2xl"
      title={dialogTitle(role, readOnly)}
      description={
        role?.is_builtin
          ? "Built-in roles come with Sluice and cannot be changed."
          : "A role is a named set of permissions given to users."
      }
    >
      <RoleForm {...formProps} onDone={() => onOpenChange(false)} />
    </FormDialog>
  );
}
