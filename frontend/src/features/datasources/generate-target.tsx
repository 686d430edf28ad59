import { useId } from "react";
import type { ModulePublic } from "@/client/types.gen";
import { AccessSelect } from "@/components/access-select";
import { FormField } from "@/components/form-field";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import type { Access, GenerateValues } from "./generate-values";

const NEW_MODULE = "new";

const ACCESS_HINTS: Record<Access, string> = {
  private: "Only clients granted the APIs may call them.",
  public: "Anyone who can reach the server may call them.",
};

type GenerateTargetProps = {
  values: GenerateValues;
  set: (change: Partial<GenerateValues>) => void;
  modules: ModulePublic[];
  /** Whether the user may create a module; else only existing ones are offered. */
  mayCreateModule: boolean;
  /** The server's complaints by field, from a 422. */
  errors: Readonly<Record<string, string>>;
};

/** Where the APIs go: the module (one that exists or a new one), the path under it, access. */
export function GenerateTarget({
  values,
  set,
  modules,
  mayCreateModule,
  errors,
}: GenerateTargetProps) {
  const id = useId();
  const { module } = values;
  const selected = module.kind === "existing" ? String(module.id) : NEW_MODULE;
  const choose = (value: string) =>
    set({
      module:
        value === NEW_MODULE ? { kind: "new", name: "" } : { kind: "existing", id: Number(value) },
    });
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <FormField id={`${id}-module`} label="Module" error={errors.module_id}>
        {(control) => (
          <NativeSelect
            {...control}
            value={selected}
            onChange={(event) => choose(event.target.value)}
          >
            {mayCreateModule && <option value={NEW_MODULE}>New module…</option>}
            {modules.map((each) => (
              <option key={each.id} value={each.id}>
                {each.name}
              </option>
            ))}
          </NativeSelect>
        )}
      </FormField>
      {module.kind === "new" && (
        <FormField
          id={`${id}-module-name`}
          label="New module name"
          hint="Lowercase letters, digits, _ and -: the first segment of the URLs."
          error={errors.module_name}
        >
          {(control) => (
            <Input
              {...control}
              required
              autoComplete="off"
              placeholder="shop"
              value={module.name}
              onChange={(event) => set({ module: { kind: "new", name: event.target.value } })}
            />
          )}
        </FormField>
      )}
      <FormField
        id={`${id}-prefix`}
        label="Path prefix"
        hint="The routes' path under the module, e.g. orders or shop/orders."
        error={errors.path_prefix}
      >
        {(control) => (
          <Input
            {...control}
            required
            autoComplete="off"
            value={values.pathPrefix}
            onChange={(event) => set({ pathPrefix: event.target.value })}
          />
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
    </div>
  );
}
