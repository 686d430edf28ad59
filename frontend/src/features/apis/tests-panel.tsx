import {
  CheckCircle2Icon,
  CircleDashedIcon,
  FlaskConicalIcon,
  InfoIcon,
  ListChecksIcon,
  LoaderCircleIcon,
  PlayIcon,
  PlusIcon,
  XCircleIcon,
} from "lucide-react";
import { useState } from "react";
import type { ApiTestPublic, CaseResult, RunReport } from "@/client/types.gen";
import { ConfirmDeleteDialog } from "@/components/confirm-dialog";
import { ErrorAlert } from "@/components/error-alert";
import { DeleteIconButton, EditIconButton } from "@/components/icon-buttons";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { CaseFailures } from "./test-failures";
import { type TestDraft, TestFormDialog } from "./test-form-dialog";
import { expectationSummary, paramsSummary, testFormValues } from "./test-values";
import { useDeleteTest, useRunTests, useTests } from "./use-test-mutations";

type TestsPanelProps = {
  apiId: number;
  mayWrite: boolean;
  mayRun: boolean;
  /** Why the draft cannot run now, if it cannot. */
  blocked: string | null;
  saveFirst: (() => Promise<unknown>) | null;
  /** The test case being created or edited, e.g. from the Debug panel's last run. */
  draft: TestDraft | null;
  onDraftChange: (draft: TestDraft | null) => void;
};

/** A result, kept with the version of the test it ran: an edit makes it stale. */
type Outcome = { result: CaseResult; ranVersion: string };

function ResultIcon({ result, running }: { result?: CaseResult; running: boolean }) {
  if (running) return <LoaderCircleIcon className="size-4 animate-spin text-muted-foreground" />;
  if (!result) return <CircleDashedIcon className="size-4 text-muted-foreground/60" />;
  return result.passed ? (
    <CheckCircle2Icon className="size-4 text-success" />
  ) : (
    <XCircleIcon className="size-4 text-destructive" />
  );
}

function ResultBadge({ result }: { result?: CaseResult }) {
  if (!result) return <span className="text-xs text-muted-foreground">Not run</span>;
  const ms = Math.round(result.duration_ms * 10) / 10;
  return (
    <Badge variant={result.passed ? "success" : "destructive"}>
      {result.passed ? "Passed" : "Failed"} · {ms} ms
    </Badge>
  );
}

type TestItemProps = {
  test: ApiTestPublic;
  result?: CaseResult;
  running: boolean;
  onRun?: () => void;
  onEdit?: () => void;
  onDelete?: () => void;
};

function TestItem({ test, result, running, onRun, onEdit, onDelete }: TestItemProps) {
  return (
    <li className="py-3" aria-label={test.name}>
      <div className="flex items-start gap-3">
        <span className="mt-0.5">
          <ResultIcon result={result} running={running} />
        </span>
        <div className="min-w-0 flex-1 space-y-1">
          <p className="truncate text-sm font-medium">{test.name}</p>
          <p className="truncate font-mono text-xs text-muted-foreground">
            {paramsSummary(test.params)}
          </p>
          <div className="flex flex-wrap gap-1" data-testid="test-expects">
            {expectationSummary(test.expect).map((part) => (
              <Badge key={part} variant="muted" className="font-normal">
                {part}
              </Badge>
            ))}
          </div>
        </div>
        <div className="flex shrink-0 items-center gap-1">
          <ResultBadge result={result} />
          {onRun && (
            <Button
              type="button"
              variant="ghost"
              size="icon-sm"
              aria-label={`Run ${test.name}`}
              disabled={running}
              onClick={onRun}
            >
              <PlayIcon />
            </Button>
          )}
          {onEdit && <EditIconButton type="button" label={`Edit ${test.name}`} onClick={onEdit} />}
          {onDelete && (
            <DeleteIconButton type="button" label={`Delete ${test.name}`} onClick={onDelete} />
          )}
        </div>
      </div>
      {result && !result.passed && (
        <div className="mt-3 ml-7 rounded-lg border border-destructive/25 bg-destructive/[0.03] p-3">
          <CaseFailures result={result} />
        </div>
      )}
    </li>
  );
}

function RunSummary({ report }: { report: RunReport }) {
  const total = report.passed + report.failed;
  return (
    <p
      role="status"
      className="flex items-center gap-2 text-sm"
      data-testid="tests-summary"
      aria-live="polite"
    >
      {report.failed === 0 ? (
        <CheckCircle2Icon className="size-4 text-success" />
      ) : (
        <XCircleIcon className="size-4 text-destructive" />
      )}
      <span>
        {report.passed} passed, {report.failed} failed
        <span className="text-muted-foreground">
          {" "}
          ({total} {total === 1 ? "test" : "tests"} run)
        </span>
      </span>
    </p>
  );
}

function NoTests({ mayWrite, onCreate }: { mayWrite: boolean; onCreate: () => void }) {
  return (
    <div className="flex flex-col items-center gap-2 rounded-lg border border-dashed px-6 py-8 text-center">
      <ListChecksIcon className="size-6 text-muted-foreground" />
      <p className="text-sm font-medium">No test cases yet</p>
      <p className="max-w-sm text-xs text-muted-foreground">
        Run the draft in the Debug panel and save the run as a test, or write one from scratch.
      </p>
      {mayWrite && (
        <Button type="button" variant="outline" size="sm" className="mt-2" onClick={onCreate}>
          <PlusIcon />
          New test
        </Button>
      )}
    </div>
  );
}

/** The API's test cases: run one or all on the draft, see which failed and why, edit them. */
export function TestsPanel(props: TestsPanelProps) {
  const { apiId, mayWrite, blocked } = props;
  const tests = useTests(apiId);
  const run = useRunTests(apiId, props.saveFirst);
  const remove = useDeleteTest(apiId);
  const [outcomes, setOutcomes] = useState<Record<number, Outcome>>({});
  const [deleting, setDeleting] = useState<ApiTestPublic | null>(null);
  const list = tests.data?.data ?? [];
  const mayRun = props.mayRun && !blocked;

  function runTests(ids: number[] | null) {
    const versions = new Map(list.map((test) => [test.id, test.updated_at]));
    run.mutate(ids, {
      onSuccess: (report) =>
        setOutcomes((old) => {
          const next = { ...old };
          for (const result of report.results) {
            next[result.test_id] = { result, ranVersion: versions.get(result.test_id) ?? "" };
          }
          return next;
        }),
    });
  }
  const runningIds = run.isPending ? run.variables : undefined;
  const isRunning = (id: number) => runningIds === null || Boolean(runningIds?.includes(id));
  const resultOf = (test: ApiTestPublic) => {
    const outcome = outcomes[test.id];
    return outcome?.ranVersion === test.updated_at ? outcome.result : undefined;
  };
  const create = () => props.onDraftChange({ values: testFormValues() });

  return (
    <Card role="region" aria-label="Tests">
      <CardHeader className="flex-row items-start justify-between gap-4 pb-4">
        <div className="space-y-1.5">
          <CardTitle className="flex items-center gap-2">
            <FlaskConicalIcon className="size-4 text-primary" />
            Tests
            {list.length > 0 && <Badge variant="muted">{list.length}</Badge>}
          </CardTitle>
          <CardDescription>
            Each test runs the saved draft with its parameters and checks the answer. What it writes
            is rolled back.
          </CardDescription>
        </div>
        <div className="flex shrink-0 gap-2">
          {mayWrite && list.length > 0 && (
            <Button type="button" variant="outline" onClick={create}>
              <PlusIcon />
              New test
            </Button>
          )}
          {props.mayRun && list.length > 0 && (
            <Button
              type="button"
              disabled={!mayRun || run.isPending}
              onClick={() => runTests(null)}
            >
              {run.isPending ? <LoaderCircleIcon className="animate-spin" /> : <PlayIcon />}
              Run all
            </Button>
          )}
        </div>
      </CardHeader>
      <CardContent className="space-y-3">
        {props.mayRun && blocked && list.length > 0 && (
          <p className="flex items-center gap-2 text-sm text-muted-foreground">
            <InfoIcon className="size-4" />
            {blocked}
          </p>
        )}
        {tests.isError && <ErrorAlert error={tests.error} />}
        {run.isError && <ErrorAlert error={run.error} />}
        {run.data && !run.isPending && <RunSummary report={run.data} />}
        {tests.isPending && <Skeleton className="h-16 w-full" />}
        {tests.data && list.length === 0 && <NoTests mayWrite={mayWrite} onCreate={create} />}
        {list.length > 0 && (
          <ul className="divide-y" aria-label="Test cases">
            {list.map((test) => (
              <TestItem
                key={test.id}
                test={test}
                result={resultOf(test)}
                running={isRunning(test.id)}
                onRun={mayRun ? () => runTests([test.id]) : undefined}
                onEdit={
                  mayWrite
                    ? () => props.onDraftChange({ test, values: testFormValues(test) })
                    : undefined
                }
                onDelete={mayWrite ? () => setDeleting(test) : undefined}
              />
            ))}
          </ul>
        )}
      </CardContent>
      <TestFormDialog apiId={apiId} draft={props.draft} onClose={() => props.onDraftChange(null)} />
      <ConfirmDeleteDialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title={`Delete the test ${deleting?.name ?? ""}?`}
        description="Its parameters and expectations are lost. This cannot be undone."
        action={remove}
        onConfirm={() =>
          deleting && remove.mutate(deleting, { onSuccess: () => setDeleting(null) })
        }
      />
    </Card>
  );
}
