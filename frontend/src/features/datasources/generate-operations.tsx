import { useId } from "react";
import { type Method, MethodBadge } from "@/components/method-badge";
import { Checkbox } from "@/components/ui/checkbox";
import { type GenerateValues, OPERATIONS, type Operation, toggled } from "./generate-values";

const SHAPES: Record<Operation, { title: string; method: Method; byKey: boolean }> = {
  list: { title: "List", method: "GET", byKey: false },
  get: { title: "Get", method: "GET", byKey: true },
  create: { title: "Create", method: "POST", byKey: false },
  update: { title: "Update", method: "PATCH", byKey: true },
  delete: { title: "Delete", method: "DELETE", byKey: true },
};

function OperationOption(props: {
  operation: Operation;
  route: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  const id = useId();
  const shape = SHAPES[props.operation];
  return (
    <label
      htmlFor={id}
      className="flex cursor-pointer items-center gap-3 rounded-md border px-3 py-2 text-sm transition-colors hover:bg-accent/50 has-[[data-state=checked]]:border-primary/40 has-[[data-state=checked]]:bg-accent/40"
    >
      <Checkbox
        id={id}
        aria-label={shape.title}
        checked={props.checked}
        onCheckedChange={(state) => props.onChange(state === true)}
      />
      <span className="w-14 font-medium">{shape.title}</span>
      <MethodBadge method={shape.method} />
      <code className="min-w-0 truncate font-mono text-xs text-muted-foreground">
        {props.route}
        {shape.byKey && "/{key}"}
      </code>
    </label>
  );
}

/** The five APIs to tick, each with the route it answers. */
export function GenerateOperations({
  values,
  set,
  base,
}: {
  values: GenerateValues;
  set: (change: Partial<GenerateValues>) => void;
  /** `/{module}/{prefix}`, as the routes will start. */
  base: string;
}) {
  return (
    <fieldset aria-label="Operations" className="grid gap-2 sm:grid-cols-2">
      {OPERATIONS.map((operation) => (
        <OperationOption
          key={operation}
          operation={operation}
          route={base}
          checked={values.operations.includes(operation)}
          onChange={(on) =>
            set({ operations: toggled(values.operations, operation, on, OPERATIONS) })
          }
        />
      ))}
    </fieldset>
  );
}
