import { ChevronRightIcon } from "lucide-react";
import { useState } from "react";
import { CodeEditor } from "@/components/code-editor";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent } from "@/components/ui/card";
import { cn } from "@/lib/utils";
import type { FieldsProps } from "./settings-card";

const PLACEHOLDER = "# `data` holds the result; return what clients get.\nreturn data";

/** The optional Python that reshapes the result, folded away until asked for. */
export function TransformCard({ values, set, errors, readOnly }: FieldsProps) {
  const [open, setOpen] = useState(false);
  const isSet = values.resultTransform.trim() !== "";
  const error = errors.result_transform;
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
        <span className="font-semibold tracking-tight">Result transform</span>
        <span className="text-sm text-muted-foreground">Python, optional</span>
        <span className="flex-1" />
        {isSet && <Badge variant="secondary">Set</Badge>}
        {error && <Badge variant="destructive">Error</Badge>}
      </button>
      {open && (
        <CardContent className="space-y-2">
          <CodeEditor
            label="Result transform"
            language="python"
            readOnly={readOnly}
            placeholder={PLACEHOLDER}
            className="[&_.cm-scroller]:min-h-32"
            value={values.resultTransform}
            onChange={(resultTransform) => set({ resultTransform })}
          />
          <p className={cn("text-xs", error ? "text-destructive" : "text-muted-foreground")}>
            {error ?? "Runs after the query; the server checks the syntax when you save."}
          </p>
        </CardContent>
      )}
    </Card>
  );
}
