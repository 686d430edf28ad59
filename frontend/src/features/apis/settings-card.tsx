import { useId } from "react";
import type { DatasourcePublic } from "@/client/types.gen";
import { FormField } from "@/components/form-field";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Textarea } from "@/components/ui/textarea";
import type { Access } from "./api-types";
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

/** Name, data source, access and description. */
export function SettingsCard({
  values,
  set,
  errors,
  readOnly,
  datasources,
}: FieldsProps & { datasources: DatasourcePublic[] | undefined }) {
  const id = useId();
  return (
    <Card>
      <CardHeader className="pb-3">
        <CardTitle className="text-sm">Settings</CardTitle>
      </CardHeader>
      <CardContent>
        <fieldset disabled={readOnly} className="grid min-w-0 gap-4">
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
          <FormField id={`${id}-source`} label="Data source" error={errors.datasource_id}>
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
              <NativeSelect
                {...control}
                value={values.access}
                onChange={(event) => set({ access: event.target.value as Access })}
              >
                <option value="private">Private</option>
                <option value="public">Public</option>
              </NativeSelect>
            )}
          </FormField>
          <FormField id={`${id}-description`} label="Description" error={errors.description}>
            {(control) => (
              <Textarea
                {...control}
                rows={3}
                maxLength={1000}
                placeholder="What it answers, for the API docs"
                value={values.description}
                onChange={(event) => set({ description: event.target.value })}
              />
            )}
          </FormField>
        </fieldset>
      </CardContent>
    </Card>
  );
}
