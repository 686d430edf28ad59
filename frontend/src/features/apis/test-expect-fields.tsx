import { PlusIcon, WandSparklesIcon, XIcon } from "lucide-react";
import { useId } from "react";
import { FormField } from "@/components/form-field";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Textarea } from "@/components/ui/textarea";
import {
  type FieldCheckRow,
  inferRowsSchema,
  newFieldCheck,
  type TestFormValues,
} from "./test-values";

export type SetValues = (change: Partial<TestFormValues>) => void;
export type Errors = Partial<Record<keyof TestFormValues, string>>;
export type SectionProps = { values: TestFormValues; set: SetValues; errors: Errors };

/** How the run must end: a success, or a status and/or an error code. */
function OutcomeFields({ values, set, errors }: SectionProps) {
  const id = useId();
  return (
    <div className="grid gap-2">
      <div className="grid gap-3 sm:grid-cols-[12rem_1fr_1fr]">
        <FormField id={`${id}-outcome`} label="Outcome">
          {(control) => (
            <NativeSelect
              {...control}
              value={values.outcome}
              onChange={(event) =>
                set({ outcome: event.target.value as TestFormValues["outcome"] })
              }
            >
              <option value="succeeds">Succeeds (200)</option>
              <option value="fails">Fails with</option>
            </NativeSelect>
          )}
        </FormField>
        {values.outcome === "fails" && (
          <>
            <FormField id={`${id}-status`} label="Status" error={errors.status}>
              {(control) => (
                <Input
                  {...control}
                  inputMode="numeric"
                  placeholder="400"
                  className="font-mono"
                  value={values.status}
                  onChange={(event) => set({ status: event.target.value })}
                />
              )}
            </FormField>
            <FormField id={`${id}-code`} label="Error code" error={errors.code}>
              {(control) => (
                <Input
                  {...control}
                  placeholder="bad_request"
                  className="font-mono"
                  value={values.code}
                  onChange={(event) => set({ code: event.target.value })}
                />
              )}
            </FormField>
          </>
        )}
      </div>
      {values.outcome === "fails" && (
        <p className="text-xs text-muted-foreground">
          What a gateway call would get: the status, the error code, or both (400 bad_request, 502
          datasource_error...).
        </p>
      )}
    </div>
  );
}

/** A labelled whole-number input. */
function NumberInput(props: {
  label: string;
  value: string;
  error?: string;
  onChange: (value: string) => void;
}) {
  const id = useId();
  return (
    <FormField id={id} label={props.label} error={props.error}>
      {(control) => (
        <Input
          {...control}
          type="number"
          min={0}
          step={1}
          className="font-mono"
          value={props.value}
          onChange={(event) => props.onChange(event.target.value)}
        />
      )}
    </FormField>
  );
}

/** How many rows: any number, exactly, or between bounds. */
function RowsFields({ values, set, errors }: SectionProps) {
  const id = useId();
  return (
    <div className="grid gap-3 sm:grid-cols-[12rem_1fr_1fr]">
      <FormField id={id} label="Rows">
        {(control) => (
          <NativeSelect
            {...control}
            value={values.rowsRule}
            onChange={(event) =>
              set({ rowsRule: event.target.value as TestFormValues["rowsRule"] })
            }
          >
            <option value="any">Any number</option>
            <option value="exactly">Exactly</option>
            <option value="between">Between</option>
          </NativeSelect>
        )}
      </FormField>
      {values.rowsRule === "exactly" && (
        <NumberInput
          label="Row count"
          value={values.rows}
          error={errors.rows}
          onChange={(rows) => set({ rows })}
        />
      )}
      {values.rowsRule === "between" && (
        <>
          <NumberInput
            label="At least"
            value={values.rowsMin}
            error={errors.rowsMin}
            onChange={(rowsMin) => set({ rowsMin })}
          />
          <NumberInput
            label="At most"
            value={values.rowsMax}
            error={errors.rowsMax}
            onChange={(rowsMax) => set({ rowsMax })}
          />
        </>
      )}
    </div>
  );
}

function FieldCheckLine(props: {
  check: FieldCheckRow;
  index: number;
  onChange: (check: FieldCheckRow) => void;
  onRemove: () => void;
}) {
  const { check, index, onChange } = props;
  const n = index + 1;
  return (
    <li className="grid grid-cols-[4.5rem_minmax(0,1fr)_minmax(0,1.4fr)_auto] items-center gap-2">
      <Input
        aria-label={`Row of check ${n}`}
        type="number"
        min={0}
        className="font-mono"
        value={check.row}
        onChange={(event) => onChange({ ...check, row: event.target.value })}
      />
      <Input
        aria-label={`Field of check ${n}`}
        placeholder="field"
        className="font-mono"
        value={check.field}
        onChange={(event) => onChange({ ...check, field: event.target.value })}
      />
      <Input
        aria-label={`Value of check ${n}`}
        placeholder='3, "Ada", true, null'
        className="font-mono"
        value={check.equals}
        onChange={(event) => onChange({ ...check, equals: event.target.value })}
      />
      <Button
        type="button"
        variant="ghost"
        size="icon-sm"
        aria-label={`Remove check ${n}`}
        onClick={props.onRemove}
      >
        <XIcon />
      </Button>
    </li>
  );
}

/** "Row r, field f equals v" checks, added and removed one by one. */
function FieldChecks({ values, set, errors }: SectionProps) {
  const update = (index: number, check: FieldCheckRow) =>
    set({ fields: values.fields.map((old, i) => (i === index ? check : old)) });
  return (
    <div className="space-y-2">
      <div className="flex items-center justify-between gap-2">
        <span className="text-sm font-medium">Field values</span>
        <Button
          type="button"
          variant="outline"
          size="sm"
          onClick={() => set({ fields: [...values.fields, newFieldCheck()] })}
        >
          <PlusIcon />
          Add a check
        </Button>
      </div>
      {values.fields.length > 0 && (
        <>
          <div className="grid grid-cols-[4.5rem_minmax(0,1fr)_minmax(0,1.4fr)_2rem] gap-2 text-xs text-muted-foreground">
            <span>Row (from 0)</span>
            <span>Field</span>
            <span>Equals (JSON, or text)</span>
          </div>
          <ul className="space-y-2" aria-label="Field checks">
            {values.fields.map((check, index) => (
              <FieldCheckLine
                key={check.key}
                check={check}
                index={index}
                onChange={(next) => update(index, next)}
                onRemove={() => set({ fields: values.fields.filter((_, i) => i !== index) })}
              />
            ))}
          </ul>
        </>
      )}
      {errors.fields && <p className="text-xs text-destructive">{errors.fields}</p>}
    </div>
  );
}

/** A JSON Schema of the data, which a debug run's rows can suggest. */
function SchemaField({ values, set, errors, runData }: SectionProps & { runData?: unknown }) {
  const id = useId();
  const inferred = runData === undefined ? null : inferRowsSchema(runData);
  return (
    <div className="space-y-2">
      <FormField
        id={id}
        label="JSON Schema of the data"
        hint="Optional: the whole data must match it."
        error={errors.schema}
      >
        {(control) => (
          <Textarea
            {...control}
            rows={values.schema ? 6 : 2}
            spellCheck={false}
            className="font-mono text-xs"
            placeholder='{"type": "array"}'
            value={values.schema}
            onChange={(event) => set({ schema: event.target.value })}
          />
        )}
      </FormField>
      {inferred && (
        <Button
          type="button"
          variant="outline"
          size="sm"
          onClick={() => set({ schema: JSON.stringify(inferred, null, 2) })}
        >
          <WandSparklesIcon />
          Infer from the debug run's rows
        </Button>
      )}
    </div>
  );
}

/** Everything a test case expects of the run, in one fieldset. */
export function ExpectationFields(props: SectionProps & { runData?: unknown }) {
  const { values, set, errors } = props;
  return (
    <fieldset className="grid gap-4 rounded-lg border p-4">
      <legend className="px-1 text-sm font-semibold">Expectations</legend>
      <OutcomeFields {...props} />
      <RowsFields {...props} />
      <FieldChecks {...props} />
      <SchemaField {...props} />
      <div className="max-w-48">
        <NumberInput
          label="Time limit (ms)"
          value={values.maxMs}
          error={errors.maxMs}
          onChange={(maxMs) => set({ maxMs })}
        />
      </div>
    </fieldset>
  );
}
