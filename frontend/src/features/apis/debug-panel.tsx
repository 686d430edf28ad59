import type { UseMutationResult } from "@tanstack/react-query";
import { BugPlayIcon, FlaskConicalIcon, InfoIcon, LoaderCircleIcon, PlayIcon } from "lucide-react";
import { useState } from "react";
import type { DebugResult } from "@/client/types.gen";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { errorMessage } from "@/lib/api";
import { DebugInputsForm } from "./debug-inputs";
import { DebugResultView } from "./debug-result";
import { type DebugInputs, toDebugParams } from "./debug-values";
import type { ParamRow } from "./form-values";

export type DebugMutation = UseMutationResult<DebugResult, Error, Record<string, unknown>>;

type DebugPanelProps = {
  rows: ParamRow[];
  debug: DebugMutation;
  /** Why the panel cannot run now, if it cannot. */
  blocked: string | null;
  dirty: boolean;
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

/** Inputs for the parameters, Run, what the draft answered, and keeping it as a test. */
export function DebugPanel({ rows, debug, blocked, dirty, onSaveAsTest }: DebugPanelProps) {
  const [inputs, setInputs] = useState<DebugInputs>({});
  const [inputError, setInputError] = useState<string | null>(null);

  function run() {
    if (blocked || debug.isPending) return;
    try {
      const params = toDebugParams(rows, inputs);
      setInputError(null);
      debug.mutate(params);
    } catch (error) {
      setInputError(errorMessage(error));
    }
  }

  return (
    <Card role="region" aria-label="Debug">
      <CardHeader className="flex-row items-start justify-between gap-4 pb-4">
        <div className="space-y-1.5">
          <CardTitle className="flex items-center gap-2">
            <BugPlayIcon className="size-4 text-primary" />
            Debug
          </CardTitle>
          <CardDescription>
            Runs the saved draft on its data source. Nothing is published.
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
        {!blocked && dirty && (
          <p className="flex items-center gap-2 text-xs text-muted-foreground">
            <InfoIcon className="size-3.5" />
            Your unsaved changes are saved first.
          </p>
        )}
        <DebugInputsForm
          rows={rows}
          inputs={inputs}
          onChange={(name, value) => setInputs((old) => ({ ...old, [name]: value }))}
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
                    onClick={() => debug.data && onSaveAsTest(debug.variables ?? {}, debug.data)}
                  />
                )
              }
            />
          </div>
        )}
      </CardContent>
    </Card>
  );
}
