import { useQuery } from "@tanstack/react-query";
import { apisReadApisOptions, modulesReadModulesOptions } from "@/client/@tanstack/react-query.gen";
import type { ApiPublic } from "@/client/types.gen";
import { MethodBadge } from "@/components/method-badge";
import { MultiSelect, type MultiSelectOption } from "@/components/multi-select";
import { can } from "@/lib/permissions";
import { useCurrentUser } from "@/lib/session";

export type ApiOption = MultiSelectOption & { endpoint: string; api: ApiPublic };

/**
 * Every API as an option: `GET /shop/orders` with its name as a hint; undefined while
 * loading or when the user may not read APIs.
 */
export function useApiOptions(): ApiOption[] | undefined {
  const me = useCurrentUser();
  const apis = useQuery({
    ...apisReadApisOptions({ query: { limit: 1000 } }),
    enabled: can(me, "api", "read"),
  });
  const modules = useQuery({
    ...modulesReadModulesOptions({ query: { limit: 1000 } }),
    enabled: can(me, "module", "read"),
  });
  if (!apis.data) return undefined;
  const moduleName = (id: number) =>
    modules.data?.data.find((module) => module.id === id)?.name ?? `module ${id}`;
  return apis.data.data.map((api) => {
    const method = api.method ?? "GET";
    const endpoint = `/${moduleName(api.module_id)}/${api.path}`;
    return {
      value: api.id,
      api,
      endpoint,
      text: `${method} ${endpoint}`,
      hint: api.name,
      label: (
        <span className="flex min-w-0 items-center gap-2">
          <MethodBadge method={method} className="w-14 text-[10px]" />
          <code className="truncate font-mono text-[13px]">{endpoint}</code>
        </span>
      ),
    };
  });
}

type ApiPickerProps = {
  id?: string;
  value: number[];
  onChange: (value: number[]) => void;
  disabled?: boolean;
  placeholder?: string;
  "aria-invalid"?: boolean;
  "aria-describedby"?: string;
};

/** A searchable multi-select of the APIs, shown as `METHOD /module/path`. */
export function ApiPicker({ placeholder = "Choose APIs", ...props }: ApiPickerProps) {
  const options = useApiOptions();
  return (
    <MultiSelect
      {...props}
      label="APIs"
      options={options}
      placeholder={placeholder}
      emptyText="No APIs yet."
    />
  );
}
