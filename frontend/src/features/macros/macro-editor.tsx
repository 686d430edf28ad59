import { Link } from "@tanstack/react-router";
import { ArrowLeftIcon, RocketIcon, Trash2Icon, TriangleAlertIcon } from "lucide-react";
import { type FormEvent, type KeyboardEvent, useRef, useState } from "react";
import type { MacroPublic } from "@/client/types.gen";
import { DraftSaveBar } from "@/components/draft-save-bar";
import { CodeEditor } from "@/components/lazy-code-editor";
import { PageHeader } from "@/components/page-header";
import { PublishDialog } from "@/components/publish-dialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { UnsavedChangesGuard } from "@/components/unsaved-changes-guard";
import { ApiError, errorMessage, fieldErrorsOf } from "@/lib/api";
import { can } from "@/lib/permissions";
import { useCurrentUser } from "@/lib/session";
import { DeleteMacroDialog } from "./delete-macro-dialog";
import { hasEdits, initialValues, isDirty, type MacroFormValues } from "./form-values";
import { KindBadge } from "./kind-badge";
import { MacroSettingsCard } from "./macro-settings-card";
import { MacroVersions } from "./macro-versions";
import { UsageCard } from "./usage-card";
import { usePublishMacro, useSaveMacro } from "./use-macro-mutations";
import { useModules } from "./use-modules";
import { staleUsages } from "./used-by";

type MacroEditorProps = {
  macro?: MacroPublic;
  onCreated: (macro: MacroPublic) => void;
  onDeleted: () => void | Promise<void>;
};

const SQL_PLACEHOLDER = "{% macro limit(size) -%}\n  LIMIT {{ size }}\n{%- endmacro %}";
const PYTHON_PLACEHOLDER = "def total(rows):\n    return sum(row['amount'] for row in rows)";

function BackToList() {
  return (
    <Link
      to="/macros"
      className="inline-flex items-center gap-1.5 text-sm text-muted-foreground hover:text-foreground"
    >
      <ArrowLeftIcon className="size-4" />
      Macros
    </Link>
  );
}

function StaleWarning({ macro }: { macro: MacroPublic }) {
  const stale = staleUsages(macro.used_by ?? []);
  if (stale.length === 0) return null;
  return (
    <div
      role="status"
      className="flex items-start gap-3 rounded-lg border border-amber-500/40 bg-amber-500/10 px-4 py-3 text-sm text-amber-800 dark:text-amber-300"
    >
      <TriangleAlertIcon className="mt-0.5 size-4 shrink-0" />
      <p>
        {stale.map((usage) => usage.api_name).join(", ")} still{" "}
        {stale.length === 1 ? "runs" : "run"} an older version. Publish{" "}
        {stale.length === 1 ? "that API" : "those APIs"} again to use v{macro.latest_version}.
      </p>
    </div>
  );
}

/** Write a macro, publish versions of it, and see which APIs use which version. */
export function MacroEditor({ macro, onCreated, onDeleted }: MacroEditorProps) {
  const me = useCurrentUser();
  const mayWrite = can(me, "macro", "write");
  const modules = useModules();
  const [values, setValues] = useState(() => initialValues(macro));
  const [publishing, setPublishing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const save = useSaveMacro(macro);
  const dirty = isDirty(values, macro);
  const set = (change: Partial<MacroFormValues>) => setValues((old) => ({ ...old, ...change }));
  const leaving = useRef(false);

  async function saveValues(): Promise<MacroPublic> {
    const submitted = values;
    const saved = await save.mutateAsync(submitted);
    setValues((old) => (old === submitted ? initialValues(saved) : old));
    if (!macro) {
      leaving.current = true;
      onCreated(saved);
    }
    return saved;
  }
  const publish = usePublishMacro(macro?.id ?? 0, dirty && mayWrite ? saveValues : null);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    saveValues().catch(() => undefined);
  }
  function saveShortcut(event: KeyboardEvent<HTMLFormElement>) {
    if ((event.metaKey || event.ctrlKey) && event.key === "s") {
      event.preventDefault();
      if (mayWrite) event.currentTarget.requestSubmit();
    }
  }

  const errors = fieldErrorsOf(save.error);
  const conflict = save.error instanceof ApiError && save.error.status === 409;
  const mayPublish = macro && can(me, "macro", "publish");

  return (
    <div className="space-y-6">
      <div className="space-y-3">
        <BackToList />
        <PageHeader
          title={macro?.name || "New macro"}
          description={
            macro ? (
              <div className="flex flex-wrap items-center gap-2 pt-1">
                <KindBadge kind={macro.kind ?? "sql"} />
                {macro.latest_version ? (
                  <Badge variant="success">Latest · v{macro.latest_version}</Badge>
                ) : (
                  <Badge variant="muted">Unpublished</Badge>
                )}
                {dirty && <Badge variant="outline">Unsaved changes</Badge>}
              </div>
            ) : (
              "SQL macros are Jinja {% macro %} blocks that templates import by name."
            )
          }
          actions={
            <>
              {macro && mayWrite && (
                <Button
                  variant="outline"
                  className="text-destructive hover:text-destructive"
                  onClick={() => setDeleting(true)}
                >
                  <Trash2Icon />
                  Delete
                </Button>
              )}
              {mayPublish && (
                <Button onClick={() => setPublishing(true)}>
                  <RocketIcon />
                  Publish
                </Button>
              )}
            </>
          }
        />
      </div>
      {macro && <StaleWarning macro={macro} />}
      <form
        aria-label={macro ? `Edit ${macro.name}` : "New macro"}
        className="space-y-6"
        onSubmit={submit}
        onKeyDown={saveShortcut}
      >
        <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_17rem]">
          <div className="min-w-0 space-y-6">
            <Card>
              <CardHeader className="pb-3">
                <CardTitle>Content</CardTitle>
                <CardDescription>
                  {values.kind === "sql"
                    ? "Define macros with {% macro name(args) %}…{% endmacro %}; they return SQL."
                    : "Python functions."}
                </CardDescription>
              </CardHeader>
              <CardContent className="space-y-2">
                <CodeEditor
                  label="Macro content"
                  language={values.kind}
                  jinja={values.kind === "sql"}
                  readOnly={!mayWrite}
                  placeholder={values.kind === "sql" ? SQL_PLACEHOLDER : PYTHON_PLACEHOLDER}
                  className="[&_.cm-editor]:min-h-64 [&_.cm-scroller]:min-h-64"
                  value={values.content}
                  onChange={(content) => set({ content })}
                />
                {errors.content && <p className="text-xs text-destructive">{errors.content}</p>}
              </CardContent>
            </Card>
            {macro && <MacroVersions macroId={macro.id} kind={macro.kind ?? "sql"} />}
          </div>
          <div className="space-y-6">
            <MacroSettingsCard
              values={values}
              set={set}
              errors={errors}
              nameConflict={conflict ? errorMessage(save.error) : undefined}
              readOnly={!mayWrite}
              modules={modules}
            />
            <UsageCard macro={macro} name={values.name.trim()} />
          </div>
        </div>
        {mayWrite && (
          <DraftSaveBar
            isNew={!macro}
            createLabel="Create macro"
            dirty={dirty}
            pending={save.isPending}
            error={save.error}
          />
        )}
      </form>
      <UnsavedChangesGuard when={mayWrite && hasEdits(values, macro)} leaving={leaving} />
      {macro && (
        <>
          <PublishDialog
            open={publishing}
            onOpenChange={(open) => {
              if (!open) publish.reset();
              setPublishing(open);
            }}
            title={`Publish ${macro.name}`}
            description={
              <>
                The draft becomes v{(macro.latest_version ?? 0) + 1}. APIs use it once they are
                published again.{dirty && " Your unsaved changes are saved first."}
              </>
            }
            pending={publish.isPending}
            error={publish.error}
            onPublish={(message) =>
              publish.mutate(message, { onSuccess: () => setPublishing(false) })
            }
          />
          <DeleteMacroDialog
            macro={deleting ? macro : null}
            onClose={() => setDeleting(false)}
            onDeleted={() => {
              leaving.current = true; // a deleted macro's edits have nowhere to go
              return onDeleted();
            }}
          />
        </>
      )}
    </div>
  );
}
