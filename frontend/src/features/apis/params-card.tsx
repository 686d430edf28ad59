import { ChevronDownIcon, PlusIcon, SparklesIcon } from "lucide-react";
import { type ReactNode, useId, useState } from "react";
import type { ApiPublic } from "@/client/types.gen";
import { DeleteIconButton } from "@/components/icon-buttons";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";
import { cn } from "@/lib/utils";
import { PARAM_LOCATIONS, PARAM_TYPES, type ParamLocation, type ParamType } from "./api-types";
import { emptyRow, type ParamRow, suggestedRow } from "./form-values";
import type { FieldsProps } from "./settings-card";

type RowProps = {
  row: ParamRow;
  index: number;
  readOnly: boolean;
  errors: Readonly<Record<string, string>>;
  onChange: (change: Partial<ParamRow>) => void;
  onRemove: () => void;
};

function Cell({
  label,
  className,
  children,
}: {
  label: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={cn("grid min-w-0 gap-1", className)}>
      <span className="text-[11px] font-medium text-muted-foreground">{label}</span>
      {children}
    </div>
  );
}

function constraintCount(row: ParamRow): number {
  return [row.min, row.max, row.pattern, row.enum, row.description].filter((v) => v.trim()).length;
}

/** min, max, pattern, allowed values and description, folded under the row. */
function Constraints({
  row,
  onChange,
  label,
}: Pick<RowProps, "row" | "onChange"> & { label: string }) {
  const numeric = row.type === "integer" || row.type === "number";
  const counted = row.type === "string" || row.type === "array";
  let bounds = "Min / max";
  if (counted) bounds = row.type === "string" ? "Min / max length" : "Min / max items";
  return (
    <div className="grid gap-3 border-t bg-muted/20 p-3 sm:grid-cols-6">
      <Cell label={bounds} className="sm:col-span-2">
        <div className="flex gap-2">
          <Input
            type="number"
            aria-label={`Minimum of ${label}`}
            placeholder="min"
            disabled={!numeric && !counted}
            value={row.min}
            onChange={(event) => onChange({ min: event.target.value })}
          />
          <Input
            type="number"
            aria-label={`Maximum of ${label}`}
            placeholder="max"
            disabled={!numeric && !counted}
            value={row.max}
            onChange={(event) => onChange({ max: event.target.value })}
          />
        </div>
      </Cell>
      <Cell label="Pattern (regex)" className="sm:col-span-2">
        <Input
          aria-label={`Pattern of ${label}`}
          className="font-mono"
          placeholder="^[A-Z]{2}$"
          disabled={row.type !== "string"}
          value={row.pattern}
          onChange={(event) => onChange({ pattern: event.target.value })}
        />
      </Cell>
      <Cell label="Allowed values" className="sm:col-span-2">
        <Input
          aria-label={`Allowed values of ${label}`}
          placeholder="a, b, c"
          disabled={row.type === "array" || row.type === "object"}
          value={row.enum}
          onChange={(event) => onChange({ enum: event.target.value })}
        />
      </Cell>
      <Cell label="Description" className="sm:col-span-6">
        <Input
          aria-label={`Description of ${label}`}
          placeholder="Shown in the API docs"
          value={row.description}
          onChange={(event) => onChange({ description: event.target.value })}
        />
      </Cell>
    </div>
  );
}

function ParamRowEditor({ row, index, readOnly, errors, onChange, onRemove }: RowProps) {
  const [open, setOpen] = useState(false);
  const requiredId = useId();
  const label = row.name.trim() || `parameter ${index + 1}`;
  const error = Object.entries(errors).find(([field]) => field.startsWith(`params.${index}`));
  const count = constraintCount(row);
  return (
    <li className="overflow-hidden rounded-lg border bg-card" aria-label={`Parameter ${label}`}>
      <fieldset
        disabled={readOnly}
        className="grid min-w-0 gap-3 p-3 sm:grid-cols-[minmax(7rem,1fr)_6.5rem_6.5rem_minmax(5rem,7rem)_auto] sm:items-end"
      >
        <Cell label="Name">
          <Input
            aria-label={`Name of ${label}`}
            className="font-mono"
            required
            autoComplete="off"
            spellCheck={false}
            value={row.name}
            onChange={(event) => onChange({ name: event.target.value })}
          />
        </Cell>
        <Cell label="In">
          <NativeSelect
            aria-label={`Location of ${label}`}
            value={row.location}
            onChange={(event) => onChange({ location: event.target.value as ParamLocation })}
          >
            {PARAM_LOCATIONS.map((location) => (
              <option key={location} value={location}>
                {location}
              </option>
            ))}
          </NativeSelect>
        </Cell>
        <Cell label="Type">
          <NativeSelect
            aria-label={`Type of ${label}`}
            value={row.type}
            onChange={(event) => onChange({ type: event.target.value as ParamType })}
          >
            {PARAM_TYPES.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </NativeSelect>
        </Cell>
        <Cell label="Default">
          <Input
            aria-label={`Default of ${label}`}
            placeholder={row.type === "array" ? "a, b" : "—"}
            value={row.default}
            onChange={(event) => onChange({ default: event.target.value })}
          />
        </Cell>
        <div className="flex h-9 items-center gap-1">
          <div className="flex items-center gap-2 pr-2">
            <Checkbox
              id={requiredId}
              aria-label={`${label} is required`}
              checked={row.required}
              onCheckedChange={(state) => onChange({ required: state === true })}
            />
            <Label htmlFor={requiredId} className="text-xs font-normal">
              Required
            </Label>
          </div>
          <Button
            type="button"
            variant="ghost"
            size="sm"
            aria-expanded={open}
            aria-label={`More settings of ${label}`}
            onClick={() => setOpen(!open)}
          >
            {count > 0 && <Badge variant="secondary">{count}</Badge>}
            More
            <ChevronDownIcon className={cn("transition-transform", open && "rotate-180")} />
          </Button>
          <DeleteIconButton type="button" label={`Remove ${label}`} onClick={onRemove} />
        </div>
      </fieldset>
      {open && (
        <fieldset disabled={readOnly}>
          <Constraints row={row} label={label} onChange={onChange} />
        </fieldset>
      )}
      {error && <p className="border-t px-3 py-2 text-xs text-destructive">{error[1]}</p>}
    </li>
  );
}

function Suggestions({
  names,
  source,
  onAdd,
}: {
  names: string[];
  source: string;
  onAdd: (name: string) => void;
}) {
  if (names.length === 0) return null;
  return (
    <div className="flex flex-wrap items-center gap-2 rounded-lg border border-dashed border-primary/40 bg-primary/5 px-3 py-2 text-sm">
      <SparklesIcon className="size-4 text-primary" />
      <span className="text-muted-foreground">Suggested from the {source}:</span>
      {names.map((name) => (
        <Button
          key={name}
          type="button"
          variant="outline"
          size="sm"
          className="h-7 rounded-full font-mono"
          aria-label={`Add parameter ${name}`}
          onClick={() => onAdd(name)}
        >
          <PlusIcon />
          {name}
        </Button>
      ))}
    </div>
  );
}

/** The declared parameters, one row each, and one-click rows for those the template reads. */
export function ParamsCard({
  values,
  set,
  errors,
  readOnly,
  api,
}: FieldsProps & { api?: ApiPublic }) {
  const rows = values.params;
  const declared = new Set(rows.map((row) => row.name.trim()));
  const script = values.engine === "script";
  // The server read the saved content: its names fit only while the engine is the same.
  const read = api?.engine === values.engine ? (api?.parameters_in_content ?? []) : [];
  const suggested = read.filter((name) => !declared.has(name));
  const update = (rows: ParamRow[]) => set({ params: rows });
  const change = (index: number, change: Partial<ParamRow>) =>
    update(rows.map((row, i) => (i === index ? { ...row, ...change } : row)));

  return (
    <Card>
      <CardHeader className="flex-row items-start justify-between gap-4 pb-3">
        <div className="space-y-1.5">
          <CardTitle>Parameters</CardTitle>
          <CardDescription>
            What callers send, where, and as which type; the gateway checks them before the query
            runs.
          </CardDescription>
        </div>
        {!readOnly && (
          <Button
            type="button"
            variant="outline"
            size="sm"
            onClick={() => update([...rows, emptyRow()])}
          >
            <PlusIcon />
            Add parameter
          </Button>
        )}
      </CardHeader>
      <CardContent className="space-y-3">
        {!readOnly && (
          <Suggestions
            names={suggested}
            source={script ? "script" : "template"}
            onAdd={(name) => update([...rows, suggestedRow(name, values)])}
          />
        )}
        {rows.length === 0 && (
          <p className="rounded-lg border border-dashed px-4 py-6 text-center text-sm text-muted-foreground">
            No parameters. Reference one in the {script ? "script" : "template"} as{" "}
            <code className="font-mono">{script ? 'params["name"]' : "{{ name }}"}</code> and save
            to get a suggestion.
          </p>
        )}
        {rows.length > 0 && (
          <ul className="space-y-2">
            {rows.map((row, index) => (
              <ParamRowEditor
                key={row.key}
                row={row}
                index={index}
                readOnly={readOnly}
                errors={errors}
                onChange={(rowChange) => change(index, rowChange)}
                onRemove={() => update(rows.filter((_, i) => i !== index))}
              />
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}
