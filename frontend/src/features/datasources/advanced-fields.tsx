import { useId } from "react";
import { FormField } from "@/components/form-field";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Switch } from "@/components/ui/switch";
import { Textarea } from "@/components/ui/textarea";
import type { FieldsProps } from "./connection-fields";

function ActiveSwitch({ values, set }: Pick<FieldsProps, "values" | "set">) {
  const id = useId();
  return (
    <div className="flex items-start justify-between gap-4 rounded-lg border p-4 sm:col-span-6">
      <div className="grid gap-1">
        <Label htmlFor={id}>Active</Label>
        <p className="text-xs text-muted-foreground">
          APIs can query an active source; an inactive one is kept but not used.
        </p>
      </div>
      <Switch id={id} checked={values.isActive} onCheckedChange={(isActive) => set({ isActive })} />
    </div>
  );
}

/** Pool size, statement timeout, description and the active switch. */
export function AdvancedFields({ values, set, errors }: FieldsProps) {
  const id = useId();
  return (
    <>
      <FormField
        id={`${id}-pool`}
        label="Pool size"
        hint="Connections kept open. Empty: the server's default."
        error={errors.pool_size}
        className="sm:col-span-3"
      >
        {(control) => (
          <Input
            {...control}
            type="number"
            min={1}
            max={100}
            placeholder="Server default"
            value={values.poolSize}
            onChange={(event) => set({ poolSize: event.target.value })}
          />
        )}
      </FormField>
      <FormField
        id={`${id}-timeout`}
        label="Statement timeout (ms)"
        hint="Longer statements are cancelled. Empty: the server's default."
        error={errors.statement_timeout_ms}
        className="sm:col-span-3"
      >
        {(control) => (
          <Input
            {...control}
            type="number"
            min={100}
            max={3600000}
            step={100}
            placeholder="Server default"
            value={values.statementTimeoutMs}
            onChange={(event) => set({ statementTimeoutMs: event.target.value })}
          />
        )}
      </FormField>
      <FormField
        id={`${id}-description`}
        label="Description"
        error={errors.description}
        className="sm:col-span-6"
      >
        {(control) => (
          <Textarea
            {...control}
            rows={2}
            placeholder="What this database holds, who owns it"
            value={values.description}
            onChange={(event) => set({ description: event.target.value })}
          />
        )}
      </FormField>
      <ActiveSwitch values={values} set={set} />
    </>
  );
}
