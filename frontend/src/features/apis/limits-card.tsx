import { useId } from "react";
import { FormField } from "@/components/form-field";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
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
    <Card>
      <CardHeader className="pb-3">
        <CardTitle className="text-sm">Limits</CardTitle>
      </CardHeader>
      <CardContent>
        <fieldset disabled={readOnly} className="grid min-w-0 gap-4">
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
        </fieldset>
      </CardContent>
    </Card>
  );
}
