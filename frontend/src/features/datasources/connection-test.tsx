import { type UseMutationResult, useMutation } from "@tanstack/react-query";
import {
  CheckCircle2Icon,
  InfoIcon,
  LoaderCircleIcon,
  PlugZapIcon,
  XCircleIcon,
} from "lucide-react";
import { datasourcesPretestDatasource, datasourcesTestDatasource } from "@/client/sdk.gen";
import type { DatasourceTestResult } from "@/client/types.gen";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { errorMessage } from "@/lib/api";
import type { TestPlan } from "./form-values";

export type ConnectionTestMutation = UseMutationResult<DatasourceTestResult, Error, TestPlan>;

/** Runs a test plan: the pre-test of an unsaved body, or the test of the saved source. */
export function useConnectionTest(): ConnectionTestMutation {
  return useMutation({
    mutationFn: async (plan: TestPlan) => {
      const { data } =
        plan.kind === "pretest"
          ? await datasourcesPretestDatasource({ body: plan.body, throwOnError: true })
          : await datasourcesTestDatasource({
              path: { datasource_id: plan.id },
              throwOnError: true,
            });
      return data;
    },
  });
}

function ResultAlert({ result }: { result: DatasourceTestResult }) {
  if (result.ok) {
    return (
      <Alert variant="success" data-testid="connection-test-result">
        <CheckCircle2Icon />
        <div>
          <p className="font-medium">Connection works</p>
          <p className="opacity-85">{result.message}</p>
        </div>
      </Alert>
    );
  }
  return (
    <Alert variant="destructive" data-testid="connection-test-result">
      <XCircleIcon />
      <div className="min-w-0">
        <p className="font-medium">Connection failed</p>
        <p className="break-words opacity-85">{result.message}</p>
      </div>
    </Alert>
  );
}

function StaleNote() {
  return (
    <p className="flex items-start gap-2 text-xs text-muted-foreground">
      <InfoIcon className="mt-0.5 size-3.5 shrink-0" />
      This tested the saved settings, not your unsaved changes: only the server knows the stored
      password. Type the password to test the changes, or save them first.
    </p>
  );
}

type ConnectionTestProps = { test: ConnectionTestMutation; onTest: () => void };

/** "Test connection" and, under it, what the server answered. */
export function ConnectionTest({ test, onTest }: ConnectionTestProps) {
  const plan = test.variables;
  return (
    <div className="grid gap-3">
      <div className="flex flex-wrap items-center gap-3">
        <Button type="button" variant="outline" disabled={test.isPending} onClick={onTest}>
          {test.isPending ? <LoaderCircleIcon className="animate-spin" /> : <PlugZapIcon />}
          Test connection
        </Button>
        <span className="text-xs text-muted-foreground">
          {test.isPending ? "Connecting…" : "Tries the settings without saving them."}
        </span>
      </div>
      {test.isSuccess && <ResultAlert result={test.data} />}
      {test.isError && (
        <ResultAlert result={{ ok: false, message: errorMessage(test.error), latency_ms: null }} />
      )}
      {!test.isPending && plan?.kind === "saved" && plan.stale && <StaleNote />}
    </div>
  );
}
