import type { KeyboardEvent } from "react";
import { Checkbox } from "@/components/ui/checkbox";
import { Input } from "@/components/ui/input";
import { Textarea } from "@/components/ui/textarea";
import type { DebugInputs } from "./debug-values";
import type { ParamRow } from "./form-values";

type DebugInputsProps = {
  rows: ParamRow[];
  inputs: DebugInputs;
  onChange: (name: string, value: string | boolean) => void;
  onSubmit: () => void;
};

const PLACEHOLDERS: Partial<Record<ParamRow["type"], string>> = {
  date: "YYYY-MM-DD",
  datetime: "YYYY-MM-DDThh:mm:ss",
  array: "a, b, c",
  object: '{"key": "value"}',
};

function placeholder(row: ParamRow): string {
  if (row.default.trim()) return `default: ${row.default}`;
  return PLACEHOLDERS[row.type] ?? (row.required ? "required" : "not sent");
}

function ValueInput({
  row,
  value,
  onChange,
}: {
  row: ParamRow;
  value: string | boolean | undefined;
  onChange: (value: string | boolean) => void;
}) {
  const label = `Debug value of ${row.name}`;
  if (row.type === "boolean") {
    return (
      <div className="flex h-9 items-center gap-2">
        <Checkbox
          aria-label={label}
          checked={value === true}
          onCheckedChange={(state) => onChange(state === true)}
        />
        <span className="text-xs text-muted-foreground">
          {value === undefined ? "not sent" : String(value)}
        </span>
      </div>
    );
  }
  const text = typeof value === "string" ? value : "";
  if (row.type === "object") {
    return (
      <Textarea
        aria-label={label}
        rows={2}
        className="font-mono text-xs"
        placeholder={placeholder(row)}
        value={text}
        onChange={(event) => onChange(event.target.value)}
      />
    );
  }
  const numeric = row.type === "integer" || row.type === "number";
  return (
    <Input
      aria-label={label}
      type={numeric ? "number" : "text"}
      step={row.type === "integer" ? 1 : "any"}
      className="font-mono"
      placeholder={placeholder(row)}
      value={text}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}

/** One typed input per declared parameter; Enter runs. */
export function DebugInputsForm({ rows, inputs, onChange, onSubmit }: DebugInputsProps) {
  const named = rows.filter((row) => row.name.trim());
  if (named.length === 0) {
    return <p className="text-sm text-muted-foreground">This API declares no parameters.</p>;
  }
  function submitOnEnter(event: KeyboardEvent<HTMLDivElement>) {
    const target = event.target as HTMLElement;
    if (event.key === "Enter" && target.tagName === "INPUT") {
      event.preventDefault();
      onSubmit();
    }
  }
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Enter in any input runs the query
    <div className="grid gap-3 sm:grid-cols-2" onKeyDown={submitOnEnter}>
      {named.map((row) => (
        <div key={row.key} className="grid min-w-0 gap-1.5">
          <div className="flex items-center gap-2 text-sm">
            <span className="font-mono font-medium">{row.name}</span>
            <span className="text-xs text-muted-foreground">
              {row.type} · {row.location}
              {row.required && <span className="text-destructive"> · required</span>}
            </span>
          </div>
          <ValueInput
            row={row}
            value={inputs[row.name.trim()]}
            onChange={(value) => onChange(row.name.trim(), value)}
          />
        </div>
      ))}
    </div>
  );
}
