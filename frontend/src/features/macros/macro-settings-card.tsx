import { useId } from "react";
import type { ModulePublic } from "@/client/types.gen";
import { DescriptionField } from "@/components/description-field";
import { FieldsetCard } from "@/components/fieldset-card";
import { FormField } from "@/components/form-field";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import type { MacroFormValues } from "./form-values";
import type { MacroKind } from "./kind-badge";

type MacroSettingsCardProps = {
  values: MacroFormValues;
  set: (change: Partial<MacroFormValues>) => void;
  errors: Readonly<Record<string, string>>;
  /** The server's message for a name another macro has. */
  nameConflict: string | undefined;
  readOnly: boolean;
  modules: ModulePublic[] | undefined;
};

/** Name, kind, scope and description. */
export function MacroSettingsCard(props: MacroSettingsCardProps) {
  const { values, set, errors, readOnly, modules } = props;
  const id = useId();
  return (
    <FieldsetCard title="Settings" disabled={readOnly}>
      <FormField
        id={`${id}-name`}
        label="Name"
        hint="Templates import it by this name."
        error={props.nameConflict ?? errors.name}
      >
        {(control) => (
          <Input
            {...control}
            required
            autoComplete="off"
            spellCheck={false}
            pattern="[A-Za-z_][A-Za-z0-9_]*"
            className="font-mono"
            placeholder="paging"
            value={values.name}
            onChange={(event) => set({ name: event.target.value })}
          />
        )}
      </FormField>
      <FormField
        id={`${id}-kind`}
        label="Kind"
        hint={values.kind === "python" ? "For script APIs, which come later." : undefined}
        error={errors.kind}
      >
        {(control) => (
          <NativeSelect
            {...control}
            value={values.kind}
            onChange={(event) => set({ kind: event.target.value as MacroKind })}
          >
            <option value="sql">SQL (Jinja macros)</option>
            <option value="python">Python</option>
          </NativeSelect>
        )}
      </FormField>
      <FormField id={`${id}-module`} label="Scope" error={errors.module_id}>
        {(control) => (
          <NativeSelect
            {...control}
            value={values.moduleId}
            onChange={(event) => set({ moduleId: event.target.value })}
          >
            <option value="">Global</option>
            {modules?.map((module) => (
              <option key={module.id} value={module.id}>
                /{module.name}
              </option>
            ))}
          </NativeSelect>
        )}
      </FormField>
      <DescriptionField
        id={`${id}-description`}
        error={errors.description}
        rows={3}
        placeholder="What it generates"
        value={values.description}
        onChange={(description) => set({ description })}
      />
    </FieldsetCard>
  );
}
