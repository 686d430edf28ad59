import { useId } from "react";
import { FieldsetCard } from "@/components/fieldset-card";
import { FormField } from "@/components/form-field";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { PAGINATION_LABELS, type Pagination } from "./api-types";
import type { FieldsProps } from "./settings-card";

type NumberFieldProps = FieldsProps & {
  field: "timeoutMs" | "cacheTtlSeconds" | "rateLimitPerMinute";
  serverField: string;
  label: string;
  hint: string;
  min: number;
  max: number;
  placeholder: string;
};

function NumberField({ values, set, errors, field, serverField, ...props }: NumberFieldProps) {
  const id = useId();
  return (
    <FormField id={id} label={props.label} hint={props.hint} error={errors[serverField]}>
      {(control) => (
        <Input
          {...control}
          type="number"
          min={props.min}
          max={props.max}
          placeholder={props.placeholder}
          value={values[field]}
          onChange={(event) => set({ [field]: event.target.value })}
        />
      )}
    </FormField>
  );
}

/** Pagination, timeout, cache and rate limit. */
export function LimitsCard(props: FieldsProps) {
  const { values, set, errors, readOnly } = props;
  const id = useId();
  return (
    <FieldsetCard title="Limits" disabled={readOnly}>
      <FormField id={id} label="Pagination" error={errors.pagination}>
        {(control) => (
          <NativeSelect
            {...control}
            value={values.pagination}
            onChange={(event) => set({ pagination: event.target.value as Pagination })}
          >
            {Object.entries(PAGINATION_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </NativeSelect>
        )}
      </FormField>
      <NumberField
        {...props}
        field="timeoutMs"
        serverField="timeout_ms"
        label="Timeout (ms)"
        hint="Empty: the data source's statement timeout."
        min={100}
        max={3600000}
        placeholder="Default"
      />
      <NumberField
        {...props}
        field="cacheTtlSeconds"
        serverField="cache_ttl_seconds"
        label="Cache (seconds)"
        hint="Answers are reused this long. Empty or 0: no cache."
        min={0}
        max={86400}
        placeholder="No cache"
      />
      <NumberField
        {...props}
        field="rateLimitPerMinute"
        serverField="rate_limit_per_minute"
        label="Rate limit (per minute)"
        hint="Per client. Empty: the server's default."
        min={0}
        max={1000000}
        placeholder="Default"
      />
    </FieldsetCard>
  );
}
