import { useId } from "react";
import type { DatasourcePublic } from "@/client/types.gen";
import { AccessSelect } from "@/components/access-select";
import { CheckboxField } from "@/components/checkbox-field";
import { DescriptionField } from "@/components/description-field";
import { FieldsetCard } from "@/components/fieldset-card";
import { FormField } from "@/components/form-field";
import { GroupPicker } from "@/components/group-picker";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Textarea } from "@/components/ui/textarea";
import type { Access, Engine } from "./api-types";
import type { ApiFormValues } from "./form-values";

export type FieldsProps = {
  values: ApiFormValues;
  set: (change: Partial<ApiFormValues>) => void;
  errors: Readonly<Record<string, string>>;
  readOnly: boolean;
};

const ACCESS_HINTS: Record<Access, string> = {
  public: "Anyone who can reach the server may call it.",
  private: "Only clients with a token granted this API may call it.",
};

const ENGINE_HINTS: Record<Engine, string> = {
  sql: "A Jinja2 SQL template run on the data source.",
  script: "A sandboxed Python script; db queries the data source.",
};

/** Name, engine, data source, access, groups, whole-table writes and description. */
export function SettingsCard({
  values,
  set,
  errors,
  readOnly,
  datasources,
  mayReadGroups,
}: FieldsProps & { datasources: DatasourcePublic[] | undefined; mayReadGroups: boolean }) {
  const id = useId();
  return (
    <FieldsetCard title="Settings" disabled={readOnly}>
      <FormField id={`${id}-name`} label="Name" error={errors.name}>
        {(control) => (
          <Input
            {...control}
            required
            autoComplete="off"
            placeholder="Orders of a customer"
            value={values.name}
            onChange={(event) => set({ name: event.target.value })}
          />
        )}
      </FormField>
      <FormField
        id={`${id}-engine`}
        label="Engine"
        hint={ENGINE_HINTS[values.engine]}
        error={errors.engine}
      >
        {(control) => (
          <NativeSelect
            {...control}
            value={values.engine}
            onChange={(event) => set({ engine: event.target.value as Engine })}
          >
            <option value="sql">SQL template</option>
            <option value="script">Python script</option>
          </NativeSelect>
        )}
      </FormField>
      <FormField
        id={`${id}-source`}
        label="Data source"
        hint={values.engine === "script" ? "Optional: what db and tx reach." : undefined}
        error={errors.datasource_id}
      >
        {(control) => (
          <NativeSelect
            {...control}
            value={values.datasourceId}
            onChange={(event) => set({ datasourceId: event.target.value })}
          >
            <option value="">None</option>
            {datasources?.map((source) => (
              <option key={source.id} value={source.id}>
                {source.name}
              </option>
            ))}
          </NativeSelect>
        )}
      </FormField>
      <FormField
        id={`${id}-access`}
        label="Access"
        hint={ACCESS_HINTS[values.access]}
        error={errors.access}
      >
        {(control) => (
          <AccessSelect {...control} value={values.access} onChange={(access) => set({ access })} />
        )}
      </FormField>
      {mayReadGroups && values.access === "private" && (
        <FormField
          id={`${id}-groups`}
          label="Groups"
          hint="Clients of these groups may call it."
          error={errors.group_ids}
        >
          {(control) => (
            <GroupPicker
              {...control}
              disabled={readOnly}
              placeholder="No group"
              value={values.groupIds}
              onChange={(groupIds) => set({ groupIds })}
            />
          )}
        </FormField>
      )}
      <CheckboxField
        label="Allow whole-table writes"
        hint="Allow UPDATE/DELETE without WHERE; otherwise such a call is refused with a 400."
        checked={values.allowWholeTableWrites}
        onChange={(allowWholeTableWrites) => set({ allowWholeTableWrites })}
      />
      <CheckboxField
        label="Hidden from MCP"
        hint="Not a tool at /mcp, even for a client granted it; HTTP calls are not affected."
        checked={values.mcpHidden}
        onChange={(mcpHidden) => set({ mcpHidden })}
      />
      {values.method !== "GET" && (
        <CheckboxField
          label="Expose this write to MCP"
          hint="A write API is a tool at /mcp only with this on, so an agent writes only where you allow it."
          checked={values.mcpWrites}
          onChange={(mcpWrites) => set({ mcpWrites })}
        />
      )}
      {(values.engine === "script" ||
        values.resultTransform.trim() !== "" ||
        values.outputSchema) && (
        <FormField
          id={`${id}-output-schema`}
          label="Output schema"
          hint="The JSON Schema of the answer's data, for the gateway docs and MCP: a script's or a transform's answer cannot be described by the database."
          error={errors.output_schema}
        >
          {(control) => (
            <Textarea
              {...control}
              rows={5}
              className="font-mono text-xs"
              placeholder='{"type": "array", "items": {"type": "object"}}'
              value={values.outputSchema}
              onChange={(event) => set({ outputSchema: event.target.value })}
            />
          )}
        </FormField>
      )}
      <DescriptionField
        id={`${id}-description`}
        error={errors.description}
        rows={3}
        placeholder="What it answers, for the API docs"
        value={values.description}
        onChange={(description) => set({ description })}
      />
    </FieldsetCard>
  );
}
