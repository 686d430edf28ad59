import { TriangleAlertIcon, VariableIcon } from "lucide-react";
import type { ApiPublic } from "@/client/types.gen";
import { CodeEditor } from "@/components/code-editor";
import {
  Card,
  CardContent,
  CardDescription,
  CardFooter,
  CardHeader,
  CardTitle,
} from "@/components/ui/card";
import type { FieldsProps } from "./settings-card";
import { TemplateHelp } from "./template-help";

const PLACEHOLDER = "SELECT id, customer, total\nFROM orders\nWHERE customer = {{ customer }}";

function TemplateFacts({ api }: { api: ApiPublic }) {
  const names = api.parameters_in_content ?? [];
  if (names.length === 0 && !api.uses_raw) return null;
  return (
    <CardFooter className="flex-col items-start gap-2 rounded-b-xl bg-muted/30 py-3 text-xs">
      {names.length > 0 && (
        <p className="flex items-center gap-2 text-muted-foreground">
          <VariableIcon className="size-3.5" />
          The saved template reads{" "}
          {names.map((name) => (
            <code key={name} className="rounded bg-muted px-1 font-mono text-foreground">
              {name}
            </code>
          ))}
        </p>
      )}
      {api.uses_raw && (
        <p className="flex items-start gap-2 text-amber-700 dark:text-amber-400">
          <TriangleAlertIcon className="mt-px size-3.5 shrink-0" />
          The template uses <code className="font-mono">raw</code>: that text is pasted into the SQL
          as is, not bound. Make sure a caller can never control it.
        </p>
      )}
    </CardFooter>
  );
}

/** The SQL template in a CodeMirror editor, with help and what the server saw in it. */
export function SqlCard({ values, set, errors, readOnly, api }: FieldsProps & { api?: ApiPublic }) {
  return (
    <Card>
      <CardHeader className="flex-row items-start justify-between gap-4 pb-3">
        <div className="space-y-1.5">
          <CardTitle>SQL template</CardTitle>
          <CardDescription>
            Jinja2 over SQL: <code className="font-mono text-xs">{"{{ value }}"}</code> binds a
            parameter.
          </CardDescription>
        </div>
        <TemplateHelp />
      </CardHeader>
      <CardContent className="space-y-2">
        <CodeEditor
          label="SQL template"
          language="sql"
          jinja
          readOnly={readOnly}
          placeholder={PLACEHOLDER}
          className="[&_.cm-editor]:min-h-56 [&_.cm-scroller]:min-h-56"
          value={values.content}
          onChange={(content) => set({ content })}
        />
        {errors.content && <p className="text-xs text-destructive">{errors.content}</p>}
      </CardContent>
      {api && <TemplateFacts api={api} />}
    </Card>
  );
}
