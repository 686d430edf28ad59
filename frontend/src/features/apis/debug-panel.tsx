import type { UseMutationResult } from "@tanstack/react-query";
import { BugPlayIcon, FlaskConicalIcon, InfoIcon, LoaderCircleIcon, PlayIcon } from "lucide-react";
import { type ReactNode, type RefObject, useState } from "react";
import type { DebugDraft, DebugResult } from "@/client/types.gen";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { errorMessage } from "@/lib/api";
import { DebugInputsForm } from "./debug-inputs";
import { DebugResultView } from "./debug-result";
import { type DebugInputs, toDebugParams } from "./debug-values";
import type { ParamRow } from "./form-values";
import type { DebugRun } from "./use-api-mutations";

export type DebugMutation = UseMutationResult<DebugResult, Error, DebugRun>;

type DebugPanelProps = {
  rows: ParamRow[];
  debug: DebugMutation;
  /** Why the panel cannot run now, if it cannot. */
  blocked: string | null;
  /** The editor's draft as a run sends it; throws for a value its type cannot hold. */
  draft: () => DebugDraft;
  /** The form's values, kept by the editor so that they outlive a change of layout. */
  inputs: DebugInputs;
  onInputsChange: (inputs: DebugInputs) => void;
  /** Set to this panel's Run, for Ctrl/Cmd+Enter in the code editor. */
  runRef?: RefObject<(() => void) | null>;
  /** How to call the API, under the result. */
  footer?: ReactNode;
  /** Keeps the last run as a test case; absent for users who may not write tests. */
  onSaveAsTest?: (params: Record<string, unknown>, result: DebugResult) => void;
};

function SaveAsTestButton({ onClick }: { onClick: () => void }) {
  return (
    <Button type="button" variant="outline" size="sm" onClick={onClick}>
      <FlaskConicalIcon />
      Save this run as a test
    </Button>
  );
}

/**
 * Inputs for the parameters, Run, what the editor's draft answered (nothing is saved),
 * and keeping it as a test.
 */
export function DebugPanel(props: DebugPanelProps) {
  const { rows, debug, blocked, inputs, onSaveAsTest } = props;
  const [inputError, setInputError] = useState<string | null>(null);

  function run() {
    if (blocked || debug.isPending) return;
    try {
      const params = toDebugParams(rows, inputs);
      const draft = props.draft();
      setInputError(null);
      debug.mutate({ params, draft });
    } catch (error) {
      setInputError(errorMessage(error));
    }
  }
  if (props.runRef) props.runRef.current = run;

  return (
    <Card role="region" aria-label="Debug">
      <CardHeader className="flex-row items-start justify-between gap-4 pb-4">
        <div className="space-y-1.5">
          <CardTitle className="flex items-center gap-2">
            <BugPlayIcon className="size-4 text-primary" />
            Debug
          </CardTitle>
          <CardDescription>
            Runs what is in the editor, unsaved, on its data source. Nothing is saved or published.{" "}
            <kbd className="rounded border bg-muted px-1 font-mono text-[11px]">Ctrl/⌘+Enter</kbd>{" "}
            in the editor runs it too.
          </CardDescription>
        </div>
        <Button type="button" disabled={Boolean(blocked) || debug.isPending} onClick={run}>
          {debug.isPending ? <LoaderCircleIcon className="animate-spin" /> : <PlayIcon />}
          Run
        </Button>
      </CardHeader>
      <CardContent className="space-y-4">
        {blocked && (
          <p className="flex items-center gap-2 text-sm text-muted-foreground">
            <InfoIcon className="size-4" />
            {blocked}
          </p>
        )}
        <DebugInputsForm
          rows={rows}
          inputs={inputs}
          onChange={(name, value) => props.onInputsChange({ ...inputs, [name]: value })}
          onSubmit={run}
        />
        {(inputError || debug.isError) && (
          <Alert variant="destructive">
            <InfoIcon />
            <span>{inputError ?? errorMessage(debug.error)}</span>
          </Alert>
        )}
        {debug.data && !inputError && (
          <div className="border-t pt-4">
            <DebugResultView
              result={debug.data}
              action={
                onSaveAsTest && (
                  <SaveAsTestButton
                    onClick={() =>
                      debug.data && onSaveAsTest(debug.variables?.params ?? {}, debug.data)
                    }
                  />
                )
              }
            />
          </div>
        )}
        {props.footer}
      </CardContent>
    </Card>
  );
}
