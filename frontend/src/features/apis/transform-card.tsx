import { ChevronRightIcon } from "lucide-react";
import { useState } from "react";
import { CodeEditor } from "@/components/lazy-code-editor";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent } from "@/components/ui/card";
import { cn } from "@/lib/utils";
import type { FieldsProps } from "./settings-card";

type Hook = "resultTransform" | "paramValidation";

const HOOKS: Record<Hook, { field: string; title: string; placeholder: string; help: string }> = {
  resultTransform: {
    field: "result_transform",
    title: "Result transform",
    placeholder: "def transform(result, params):\n    return result",
    help: "Runs after the query and reshapes what clients get.",
  },
  paramValidation: {
    field: "param_validation",
    title: "Parameter validation",
    placeholder:
      'def validate(params):\n    if params["low"] > params["high"]:\n        return "low must not be above high"',
    help: "Runs before the query; a returned message (or False) answers 400 with it.",
  },
};

/** An optional Python hook of the API (transform or validation), folded away until asked for. */
export function TransformCard({
  values,
  set,
  errors,
  readOnly,
  hook = "resultTransform",
}: FieldsProps & { hook?: Hook }) {
  const [open, setOpen] = useState(false);
  const config = HOOKS[hook];
  const isSet = values[hook].trim() !== "";
  const error = errors[config.field];
  return (
    <Card>
      <button
        type="button"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        className="flex w-full items-center gap-3 rounded-xl px-6 py-4 text-left outline-none hover:bg-accent/40 focus-visible:ring-[3px] focus-visible:ring-ring/50"
      >
        <ChevronRightIcon
          className={cn("size-4 text-muted-foreground transition-transform", open && "rotate-90")}
        />
        <span className="font-semibold tracking-tight">{config.title}</span>
        <span className="text-sm text-muted-foreground">Python, optional</span>
        <span className="flex-1" />
        {isSet && <Badge variant="secondary">Set</Badge>}
        {error && <Badge variant="destructive">Error</Badge>}
      </button>
      {open && (
        <CardContent className="space-y-2">
          <CodeEditor
            label={config.title}
            language="python"
            readOnly={readOnly}
            placeholder={config.placeholder}
            className="[&_.cm-scroller]:min-h-32"
            value={values[hook]}
            onChange={(text) => set({ [hook]: text })}
          />
          <p className={cn("text-xs", error ? "text-destructive" : "text-muted-foreground")}>
            {error ?? `${config.help} The server checks the syntax when you save.`}
          </p>
        </CardContent>
      )}
    </Card>
  );
}
