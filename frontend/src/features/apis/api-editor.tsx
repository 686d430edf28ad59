import { Link } from "@tanstack/react-router";
import { ArrowLeftIcon, ChartColumnIcon, CodeXmlIcon, HistoryIcon } from "lucide-react";
import { type FormEvent, type KeyboardEvent, useId, useRef, useState } from "react";
import type { ApiPublic } from "@/client/types.gen";
import { DraftSaveBar } from "@/components/draft-save-bar";
import { PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { UnsavedChangesGuard } from "@/components/unsaved-changes-guard";
import { StatsPanel } from "@/features/stats/stats-panel";
import { ApiError, fieldErrorsOf } from "@/lib/api";
import { can } from "@/lib/permissions";
import { useCurrentUser } from "@/lib/session";
import { useMediaQuery } from "@/lib/use-media-query";
import { AccessBadge } from "./access-badge";
import { endpointPath } from "./api-types";
import { CallSnippet } from "./call-snippet";
import { ContentCard } from "./content-card";
import { DebugPanel } from "./debug-panel";
import type { DebugInputs } from "./debug-values";
import { useEditorHints } from "./editor-hints";
import { type ApiFormValues, hasEdits, initialValues, isDirty, toDebugDraft } from "./form-values";
import { LimitsCard } from "./limits-card";
import { LiveVersion } from "./live-version";
import { ParamsCard } from "./params-card";
import { PublishActions } from "./publish-actions";
import { RouteBar } from "./route-bar";
import { SettingsCard } from "./settings-card";
import type { TestDraft } from "./test-form-dialog";
import { valuesFromRun } from "./test-values";
import { TestsPanel } from "./tests-panel";
import { TransformCard } from "./transform-card";
import { useDebugApi, useSaveApi } from "./use-api-mutations";
import { useDatasources, useModules } from "./use-lookups";
import { VersionsTab } from "./versions-tab";

export type ApiTab = "editor" | "versions" | "calls";

export type ApiEditorProps = {
  /** The saved API; without it the editor creates one. */
  api?: ApiPublic;
  /** The module a new API starts in. */
  initialModuleId?: number;
  tab: ApiTab;
  onTabChange: (tab: ApiTab) => void;
  onCreated: (api: ApiPublic) => void;
  /** Runs after a version was restored: the draft changed on the server. */
  onRestored: () => Promise<void>;
};

/** Settings whose 422 message arrives as "field: message" in a plain `detail`. */
const PREFIXED_FIELDS = ["result_transform", "param_validation", "content", "params", "path"];

function serverErrors(error: unknown): Record<string, string> {
  const errors = { ...fieldErrorsOf(error) };
  if (error instanceof ApiError && error.status === 422) {
    const match = /^(\w+): ([\s\S]+)$/.exec(error.message);
    if (match?.[1] && match[2] && PREFIXED_FIELDS.includes(match[1])) errors[match[1]] = match[2];
  }
  return errors;
}

function routeError(error: unknown, errors: Record<string, string>): string | undefined {
  if (error instanceof ApiError && error.status === 409) return error.message;
  return errors.path ?? errors.module_id ?? errors.method;
}

function debugBlocked(api: ApiPublic | undefined, values: ApiFormValues): string | null {
  if (!api) return "Create the API first, then debug it here.";
  if (values.engine === "sql" && !values.datasourceId) {
    return "Choose a data source in the settings first.";
  }
  return null;
}

function BackToList() {
  return (
    <Link
      to="/apis"
      className="inline-flex items-center gap-1.5 text-sm text-muted-foreground hover:text-foreground"
    >
      <ArrowLeftIcon className="size-4" />
      APIs
    </Link>
  );
}

/** Write, debug, publish and version one API. */
export function ApiEditor(props: ApiEditorProps) {
  const { api } = props;
  const me = useCurrentUser();
  const mayWrite = can(me, "api", "write");
  const modules = useModules();
  const datasources = useDatasources();
  const [values, setValues] = useState(() => initialValues(api, props.initialModuleId));
  const save = useSaveApi(api);
  const dirty = isDirty(values, api);
  const formId = useId();
  const set = (change: Partial<ApiFormValues>) => setValues((old) => ({ ...old, ...change }));
  const leaving = useRef(false);

  async function saveValues(): Promise<ApiPublic> {
    const submitted = values;
    const saved = await save.mutateAsync(submitted);
    setValues((old) => (old === submitted ? initialValues(saved) : old));
    if (!api) {
      leaving.current = true;
      props.onCreated(saved);
    }
    return saved;
  }
  const saveFirst = dirty && mayWrite ? saveValues : null;
  const debug = useDebugApi(api?.id);
  const [debugInputs, setDebugInputs] = useState<DebugInputs>({});
  const runDebug = useRef<(() => void) | null>(null);
  const hints = useEditorHints(values);
  // Wide screens show the debugger beside the code, not far below it.
  const wide = useMediaQuery("(min-width: 1280px)");
  const [testDraft, setTestDraft] = useState<TestDraft | null>(null);

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

  const errors = serverErrors(save.error);
  const fields = { values, set, errors, readOnly: !mayWrite };
  const module = modules?.find((m) => String(m.id) === values.moduleId);
  const moduleName = module?.name;
  // The gate is the module owner's rule: stepping over it needs module:write as well.
  const mayForce = can(me, "module", "write") && can(me, "api", "publish");
  const endpoint = endpointPath(moduleName, values.path);

  const debugPanel = can(me, "api", "debug") && (
    <DebugPanel
      rows={values.params}
      debug={debug}
      blocked={debugBlocked(api, values)}
      draft={() => toDebugDraft(values)}
      inputs={debugInputs}
      onInputsChange={setDebugInputs}
      runRef={runDebug}
      footer={
        <CallSnippet values={values} moduleName={moduleName} inputs={debugInputs} api={api} />
      }
      onSaveAsTest={
        api && mayWrite
          ? (params, result) =>
              setTestDraft({ values: valuesFromRun(params, result), runData: result.data })
          : undefined
      }
    />
  );

  const editor = (
    <form
      id={formId}
      aria-label={api ? `Edit ${api.name}` : "New API"}
      className="space-y-6"
      onSubmit={submit}
      onKeyDown={saveShortcut}
    >
      <RouteBar
        values={values}
        set={set}
        modules={modules}
        readOnly={!mayWrite}
        error={routeError(save.error, errors)}
        isPublished={api?.is_published ?? false}
      />
      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_17rem] xl:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
        <div className="min-w-0 space-y-6">
          <ContentCard {...fields} api={api} hints={hints} onRun={() => runDebug.current?.()} />
          {!wide && debugPanel}
          <ParamsCard {...fields} api={api} />
          <TransformCard {...fields} hook="paramValidation" />
          <TransformCard {...fields} />
          {api && (
            <TestsPanel
              apiId={api.id}
              mayWrite={mayWrite}
              mayRun={can(me, "api", "debug")}
              blocked={debugBlocked(api, values)}
              saveFirst={saveFirst}
              draft={testDraft}
              onDraftChange={setTestDraft}
            />
          )}
        </div>
        <div className="min-w-0 space-y-6">
          {wide && debugPanel}
          <SettingsCard
            {...fields}
            datasources={datasources}
            mayReadGroups={can(me, "group", "read")}
          />
          <LimitsCard {...fields} />
        </div>
      </div>
      {mayWrite && (
        <DraftSaveBar
          isNew={!api}
          createLabel="Create API"
          dirty={dirty}
          pending={save.isPending}
          error={save.error}
        />
      )}
    </form>
  );

  return (
    <div className="space-y-6">
      <UnsavedChangesGuard
        when={mayWrite && hasEdits(values, api, props.initialModuleId)}
        leaving={leaving}
      />
      <div className="space-y-3">
        <BackToList />
        <PageHeader
          title={api?.name || "New API"}
          description={
            api ? (
              <div className="flex flex-wrap items-center gap-2 pt-1">
                <LiveVersion api={api} onShowDiff={() => props.onTabChange("versions")} />
                <AccessBadge access={api.access ?? "private"} />
                {dirty && <Badge variant="outline">Unsaved changes</Badge>}
              </div>
            ) : (
              "Write the SQL or the script, declare its parameters, then debug and publish it."
            )
          }
          actions={
            api &&
            can(me, "api", "publish") && (
              <PublishActions
                api={api}
                saveFirst={saveFirst}
                endpoint={endpoint}
                gated={module?.require_passing_tests ?? false}
                mayForce={mayForce}
              />
            )
          }
        />
      </div>
      {api ? (
        <Tabs value={props.tab} onValueChange={(tab) => props.onTabChange(tab as ApiTab)}>
          <TabsList>
            <TabsTrigger value="editor">
              <CodeXmlIcon />
              Editor
            </TabsTrigger>
            <TabsTrigger value="versions">
              <HistoryIcon />
              Versions
            </TabsTrigger>
            <TabsTrigger value="calls">
              <ChartColumnIcon />
              Calls
            </TabsTrigger>
          </TabsList>
          <TabsContent value="editor" className="mt-6 data-[state=inactive]:hidden" forceMount>
            {editor}
          </TabsContent>
          <TabsContent value="versions" className="mt-6">
            <VersionsTab
              apiId={api.id}
              mayPublish={can(me, "api", "publish")}
              mayForce={mayForce}
              dirty={dirty}
              draftDiffers={api.draft_differs ?? false}
              onRestored={props.onRestored}
            />
          </TabsContent>
          <TabsContent value="calls" className="mt-6">
            <StatsPanel apiId={api.id} />
          </TabsContent>
        </Tabs>
      ) : (
        editor
      )}
    </div>
  );
}
