import { TriangleAlertIcon, VariableIcon } from "lucide-react";
import type { ApiPublic } from "@/client/types.gen";
import type { CodeHints } from "@/components/code-editor";
import { CodeEditor } from "@/components/lazy-code-editor";
import {
  Card,
  CardContent,
  CardDescription,
  CardFooter,
  CardHeader,
  CardTitle,
} from "@/components/ui/card";
import { ScriptHelp } from "./script-help";
import type { FieldsProps } from "./settings-card";
import { TemplateHelp } from "./template-help";

const SQL_PLACEHOLDER = "SELECT id, customer, total\nFROM orders\nWHERE customer = {{ customer }}";
const SCRIPT_PLACEHOLDER = [
  "def execute(params):",
  '    rows = db.query("SELECT id, total FROM orders WHERE customer = %s", [params["customer"]])',
  '    log.info("found", len(rows), "orders")',
  '    return {"count": len(rows), "orders": rows}',
].join("\n");

function TemplateFacts({ api, script }: { api: ApiPublic; script: boolean }) {
  const names = api.parameters_in_content ?? [];
  if (names.length === 0 && !api.uses_raw) return null;
  return (
    <CardFooter className="flex-col items-start gap-2 rounded-b-xl bg-muted/30 py-3 text-xs">
      {names.length > 0 && (
        <p className="flex items-center gap-2 text-muted-foreground">
          <VariableIcon className="size-3.5" />
          The saved {script ? "script" : "template"} reads{" "}
          {names.map((name) => (
            <code key={name} className="rounded bg-muted px-1 font-mono text-foreground">
              {name}
            </code>
          ))}
        </p>
      )}
      {api.uses_raw && !script && (
        <p className="flex items-start gap-2 text-amber-700 dark:text-amber-400">
          <TriangleAlertIcon className="mt-px size-3.5 shrink-0" />
          The template uses <code className="font-mono">raw</code>: that text is pasted into the SQL
          as is, not bound. Make sure a caller can never control it.
        </p>
      )}
    </CardFooter>
  );
}

function ScriptDescription() {
  return (
    <>
      Sandboxed Python: define <code className="font-mono text-xs">def execute(params)</code> or
      assign <code className="font-mono text-xs">result</code>.
    </>
  );
}

function SqlDescription() {
  return (
    <>
      Jinja2 over SQL: <code className="font-mono text-xs">{"{{ value }}"}</code> binds a parameter.
    </>
  );
}

/**
 * The endpoint's code in a CodeMirror editor: an SQL template, or a Python script, with
 * help for each and what the server saw in it.
 */
export function ContentCard({
  values,
  set,
  errors,
  readOnly,
  api,
  hints,
  onRun,
}: FieldsProps & { api?: ApiPublic; hints?: CodeHints; onRun?: () => void }) {
  const script = values.engine === "script";
  const label = script ? "Python script" : "SQL template";
  return (
    <Card>
      <CardHeader className="flex-row items-start justify-between gap-4 pb-3">
        <div className="space-y-1.5">
          <CardTitle>{label}</CardTitle>
          <CardDescription>{script ? <ScriptDescription /> : <SqlDescription />}</CardDescription>
        </div>
        {script ? <ScriptHelp /> : <TemplateHelp />}
      </CardHeader>
      <CardContent className="space-y-2">
        <CodeEditor
          label={label}
          language={script ? "python" : "sql"}
          jinja={!script}
          readOnly={readOnly}
          placeholder={script ? SCRIPT_PLACEHOLDER : SQL_PLACEHOLDER}
          className="[&_.cm-editor]:min-h-56 [&_.cm-scroller]:min-h-56"
          value={values.content}
          onChange={(content) => set({ content })}
          hints={hints}
          onRun={onRun}
        />
        {errors.content && <p className="text-xs text-destructive">{errors.content}</p>}
      </CardContent>
      {api && api.engine === values.engine && <TemplateFacts api={api} script={script} />}
    </Card>
  );
}
