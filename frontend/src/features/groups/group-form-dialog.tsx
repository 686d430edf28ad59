import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import {
  groupsCreateGroupMutation,
  groupsUpdateGroupMutation,
} from "@/client/@tanstack/react-query.gen";
import type { GroupPublic } from "@/client/types.gen";
import { ApiPicker } from "@/components/api-picker";
import { DescriptionField } from "@/components/description-field";
import { ErrorAlert } from "@/components/error-alert";
import { FormDialog, FormDialogFooter, SubmitButton } from "@/components/form-dialog";
import { FormField } from "@/components/form-field";
import { Input } from "@/components/ui/input";
import { ApiError, errorMessage, fieldErrorsOf } from "@/lib/api";
import { useRefreshGroups } from "./use-refresh-groups";

type GroupFormDialogProps = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The group to edit; without it the dialog creates one. */
  group?: GroupPublic;
};

function GroupForm({ group, onDone }: { group?: GroupPublic; onDone: () => void }) {
  const [name, setName] = useState(group?.name ?? "");
  const [description, setDescription] = useState(group?.description ?? "");
  const [apiIds, setApiIds] = useState<number[]>(group?.api_ids ?? []);
  const refreshGroups = useRefreshGroups();
  const onSuccess = async () => {
    await refreshGroups();
    onDone();
  };
  const create = useMutation({ ...groupsCreateGroupMutation(), onSuccess });
  const update = useMutation({ ...groupsUpdateGroupMutation(), onSuccess });
  const mutation = group ? update : create;
  const ids = { name: useId(), description: useId(), apis: useId() };
  const errors = fieldErrorsOf(mutation.error);
  const conflict = mutation.error instanceof ApiError && mutation.error.status === 409;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const body = { name: name.trim(), description: description.trim() || null, api_ids: apiIds };
    if (group) update.mutate({ path: { group_id: group.id }, body });
    else create.mutate({ body });
  }

  return (
    <form className="grid gap-4" onSubmit={submit}>
      {mutation.isError && !conflict && !errors.name && <ErrorAlert error={mutation.error} />}
      <FormField
        id={ids.name}
        label="Name"
        error={conflict ? errorMessage(mutation.error) : errors.name}
      >
        {(control) => (
          <Input
            {...control}
            required
            autoComplete="off"
            maxLength={64}
            placeholder="partners"
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        )}
      </FormField>
      <DescriptionField
        id={ids.description}
        error={errors.description}
        rows={2}
        placeholder="Who gets these APIs, and why"
        value={description}
        onChange={setDescription}
      />
      <FormField
        id={ids.apis}
        label="APIs"
        hint="Every client in the group may call these private APIs."
        error={errors.api_ids}
      >
        {(control) => <ApiPicker {...control} value={apiIds} onChange={setApiIds} />}
      </FormField>
      <FormDialogFooter>
        <SubmitButton pending={mutation.isPending}>
          {group ? "Save changes" : "Create group"}
        </SubmitButton>
      </FormDialogFooter>
    </form>
  );
}

/** Create a group, or rename it and change its APIs. */
export function GroupFormDialog({ open, onOpenChange, group }: GroupFormDialogProps) {
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title={group ? "Edit group" : "New group"}
      description={
        group
          ? `Changes reach the clients of ${group.name} at once.`
          : "A set of APIs granted to clients together."
      }
    >
      <GroupForm group={group} onDone={() => onOpenChange(false)} />
    </FormDialog>
  );
}
