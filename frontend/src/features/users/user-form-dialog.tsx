import { useMutation } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useId, useState } from "react";
import {
  usersCreateUserMutation,
  usersUpdateUserMutation,
} from "@/client/@tanstack/react-query.gen";
import type { RolePublic, UserPublic } from "@/client/types.gen";
import { CheckboxField } from "@/components/checkbox-field";
import { ErrorAlert } from "@/components/error-alert";
import { FormDialog, FormDialogFooter, SubmitButton } from "@/components/form-dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { useRefreshUsers } from "./use-refresh-users";

type UserFormDialogProps = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The user to edit; without it the dialog creates one. */
  user?: UserPublic;
  /** The roles to choose from; undefined when the current user may not read roles. */
  roles: RolePublic[] | undefined;
};

type UserFormValues = {
  email: string;
  fullName: string;
  password: string;
  roleIds: number[];
  isActive: boolean;
  isSuperuser: boolean;
};

function initialValues(user: UserPublic | undefined): UserFormValues {
  return {
    email: user?.email ?? "",
    fullName: user?.full_name ?? "",
    password: "",
    roleIds: user?.role_ids ?? [],
    isActive: user?.is_active ?? true,
    isSuperuser: user?.is_superuser ?? false,
  };
}

function Field({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  return (
    <div className="space-y-2">
      <Label htmlFor={id}>{label}</Label>
      {children}
    </div>
  );
}

function UserForm({
  user,
  roles,
  onDone,
}: Omit<UserFormDialogProps, "open" | "onOpenChange"> & { onDone: () => void }) {
  const [values, setValues] = useState(() => initialValues(user));
  const set = (change: Partial<UserFormValues>) => setValues((old) => ({ ...old, ...change }));
  const refreshUsers = useRefreshUsers();
  const onSuccess = async () => {
    await refreshUsers();
    onDone();
  };
  const create = useMutation({ ...usersCreateUserMutation(), onSuccess });
  const update = useMutation({ ...usersUpdateUserMutation(), onSuccess });
  const mutation = user ? update : create;
  const ids = { email: useId(), name: useId(), password: useId() };

  function toggleRole(id: number, checked: boolean) {
    set({ roleIds: checked ? [...values.roleIds, id] : values.roleIds.filter((r) => r !== id) });
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const common = {
      email: values.email,
      full_name: values.fullName.trim() || null,
      is_active: values.isActive,
      is_superuser: values.isSuperuser,
      ...(roles ? { role_ids: values.roleIds } : {}),
    };
    if (user) {
      const password = values.password ? { password: values.password } : {};
      update.mutate({ path: { user_id: user.id }, body: { ...common, ...password } });
    } else {
      create.mutate({ body: { ...common, password: values.password } });
    }
  }

  return (
    <form className="grid gap-4" onSubmit={submit}>
      {mutation.isError && <ErrorAlert error={mutation.error} />}
      <Field id={ids.email} label="Email">
        <Input
          id={ids.email}
          type="email"
          required
          autoComplete="off"
          value={values.email}
          onChange={(event) => set({ email: event.target.value })}
        />
      </Field>
      <Field id={ids.name} label="Full name">
        <Input
          id={ids.name}
          autoComplete="off"
          value={values.fullName}
          onChange={(event) => set({ fullName: event.target.value })}
        />
      </Field>
      <Field id={ids.password} label={user ? "New password" : "Password"}>
        <Input
          id={ids.password}
          type="password"
          autoComplete="new-password"
          required={!user}
          minLength={8}
          placeholder={user ? "Leave empty to keep the current one" : "At least 8 characters"}
          value={values.password}
          onChange={(event) => set({ password: event.target.value })}
        />
      </Field>
      {roles && (
        <fieldset className="grid gap-3 rounded-lg border p-4">
          <legend className="px-1 text-sm font-medium">Roles</legend>
          {roles.length === 0 && <p className="text-sm text-muted-foreground">No roles yet.</p>}
          {roles.map((role) => (
            <CheckboxField
              key={role.id}
              label={role.name}
              hint={role.description ?? undefined}
              checked={values.roleIds.includes(role.id)}
              onChange={(checked) => toggleRole(role.id, checked)}
            />
          ))}
        </fieldset>
      )}
      <div className="grid gap-3">
        <CheckboxField
          label="Active"
          hint="Inactive users cannot log in."
          checked={values.isActive}
          onChange={(isActive) => set({ isActive })}
        />
        <CheckboxField
          label="Superuser"
          hint="May do everything, whatever the roles say."
          checked={values.isSuperuser}
          onChange={(isSuperuser) => set({ isSuperuser })}
        />
      </div>
      <FormDialogFooter>
        <SubmitButton pending={mutation.isPending}>
          {user ? "Save changes" : "Create user"}
        </SubmitButton>
      </FormDialogFooter>
    </form>
  );
}

/** Create a user, or edit one: email, name, password, roles, active, superuser. */
export function UserFormDialog({ open, onOpenChange, user, roles }: UserFormDialogProps) {
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title={user ? "Edit user" : "New user"}
      description={user ? `Change ${user.email}.` : "Give someone access to the dashboard."}
    >
      <UserForm user={user} roles={roles} onDone={() => onOpenChange(false)} />
    </FormDialog>
  );
}
