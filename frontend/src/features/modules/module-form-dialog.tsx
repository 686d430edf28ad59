import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import {
  modulesCreateModuleMutation,
  modulesUpdateModuleMutation,
} from "@/client/@tanstack/react-query.gen";
import type { ModulePublic } from "@/client/types.gen";
import { DescriptionField } from "@/components/description-field";
import { ErrorAlert } from "@/components/error-alert";
import { FormDialog, FormDialogFooter, SubmitButton } from "@/components/form-dialog";
import { FormField } from "@/components/form-field";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Switch } from "@/components/ui/switch";
import { ApiError, errorMessage, fieldErrorsOf } from "@/lib/api";
import { useRefreshModules } from "./use-refresh-modules";

type ModuleFormDialogProps = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The module to edit; without it the dialog creates one. */
  module?: ModulePublic;
};

const RESERVED = [
  "api",
  "ui",
  "token",
  "health",
  "metrics",
  "docs",
  "openapi.json",
  "assets",
  "static",
  "mcp",
];

/** What is wrong with a module name before the server is asked, if anything. */
function nameProblem(name: string): string | undefined {
  if (name === "") return undefined;
  if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(name)) {
    return "Lower-case letters, digits, - and _; starts with a letter or digit.";
  }
  if (RESERVED.includes(name)) return `"${name}" is reserved by Sluice.`;
  return undefined;
}

function SwitchRow({
  label,
  hint,
  checked,
  onChange,
}: {
  label: string;
  hint: string;
  checked: boolean;
  onChange: (on: boolean) => void;
}) {
  const id = useId();
  return (
    <div className="flex items-start justify-between gap-4 rounded-lg border p-4">
      <div className="grid gap-1">
        <Label htmlFor={id}>{label}</Label>
        <p className="text-xs text-muted-foreground">{hint}</p>
      </div>
      <Switch id={id} checked={checked} onCheckedChange={onChange} />
    </div>
  );
}

function ModuleForm({ module, onDone }: { module?: ModulePublic; onDone: () => void }) {
  const [name, setName] = useState(module?.name ?? "");
  const [description, setDescription] = useState(module?.description ?? "");
  const [isActive, setIsActive] = useState(module?.is_active ?? true);
  const [requireTests, setRequireTests] = useState(module?.require_passing_tests ?? false);
  const [mcpHidden, setMcpHidden] = useState(module?.mcp_hidden ?? false);
  const refreshModules = useRefreshModules();
  const onSuccess = async () => {
    await refreshModules();
    onDone();
  };
  const create = useMutation({ ...modulesCreateModuleMutation(), onSuccess });
  const update = useMutation({ ...modulesUpdateModuleMutation(), onSuccess });
  const mutation = module ? update : create;
  const ids = { name: useId(), description: useId() };
  const errors = fieldErrorsOf(mutation.error);
  const conflict = mutation.error instanceof ApiError && mutation.error.status === 409;
  const problem = nameProblem(name);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const body = {
      name,
      description: description.trim() || null,
      is_active: isActive,
      require_passing_tests: requireTests,
      mcp_hidden: mcpHidden,
    };
    if (module) update.mutate({ path: { module_id: module.id }, body });
    else create.mutate({ body });
  }

  return (
    <form className="grid gap-4" onSubmit={submit}>
      {mutation.isError && !conflict && !errors.name && <ErrorAlert error={mutation.error} />}
      <FormField
        id={ids.name}
        label="Name"
        hint="The first segment of every API's URL in this module."
        error={problem ?? (conflict ? errorMessage(mutation.error) : errors.name)}
      >
        {(control) => (
          <div className="flex items-center rounded-md border border-input shadow-xs focus-within:border-ring focus-within:ring-[3px] focus-within:ring-ring/40">
            <span className="pl-3 font-mono text-sm text-muted-foreground">/</span>
            <Input
              {...control}
              required
              autoComplete="off"
              maxLength={63}
              placeholder="orders"
              className="border-0 pl-0.5 font-mono shadow-none focus-visible:ring-0 dark:bg-transparent"
              value={name}
              onChange={(event) => setName(event.target.value.toLowerCase())}
            />
          </div>
        )}
      </FormField>
      <DescriptionField
        id={ids.description}
        error={errors.description}
        rows={2}
        placeholder="What these APIs are for"
        value={description}
        onChange={setDescription}
      />
      <SwitchRow
        label="Active"
        hint="The gateway serves the APIs of an active module only."
        checked={isActive}
        onChange={setIsActive}
      />
      <SwitchRow
        label="Require passing tests"
        hint="Publishing or restoring an API runs its test cases first and stops when one fails. Someone who may edit modules can still publish anyway, giving a reason."
        checked={requireTests}
        onChange={setRequireTests}
      />
      <SwitchRow
        label="Hidden from MCP"
        hint="None of its APIs is a tool at /mcp, whatever a client is granted. Calls over HTTP are not affected."
        checked={mcpHidden}
        onChange={setMcpHidden}
      />
      <FormDialogFooter>
        <SubmitButton pending={mutation.isPending} disabled={problem !== undefined}>
          {module ? "Save changes" : "Create module"}
        </SubmitButton>
      </FormDialogFooter>
    </form>
  );
}

/** Create a module, or rename, describe and switch one on or off. */
export function ModuleFormDialog({ open, onOpenChange, module }: ModuleFormDialogProps) {
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title={module ? "Edit module" : "New module"}
      description={
        module
          ? `Renaming changes the URL of every API under /${module.name}.`
          : "A module groups APIs under one URL prefix."
      }
    >
      <ModuleForm module={module} onDone={() => onOpenChange(false)} />
    </FormDialog>
  );
}
