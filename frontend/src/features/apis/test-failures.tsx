import { createTwoFilesPatch } from "diff";
import type { CaseResult, Failure } from "@/client/types.gen";
import { cn } from "@/lib/utils";
import { DiffView } from "./diff-view";

const EXPECTATION_LABELS: Record<Failure["expectation"], string> = {
  run: "Could not run",
  client: "Client",
  status: "Status",
  code: "Error code",
  rows: "Rows",
  rows_min: "Least rows",
  rows_max: "Most rows",
  fields: "Field value",
  schema: "Schema",
  max_ms: "Time",
};

function isStructured(value: unknown): boolean {
  return typeof value === "object" && value !== null;
}

function shown(value: unknown): string {
  return value === undefined ? "" : JSON.stringify(value, null, 2);
}

/** What the failure compares: for a field check, the value it expected in that field. */
function expectedValue(failure: Failure): unknown {
  const { expected } = failure;
  if (failure.expectation === "fields" && isStructured(expected) && "equals" in Object(expected)) {
    return (expected as { equals: unknown }).equals;
  }
  return expected;
}

function Side({ title, value, tone }: { title: string; value: unknown; tone: string }) {
  return (
    <div className="min-w-0 space-y-1">
      <p className="text-[11px] font-semibold tracking-wide text-muted-foreground uppercase">
        {title}
      </p>
      <pre
        className={cn(
          "max-h-48 overflow-auto rounded-md px-2 py-1 font-mono text-xs break-words whitespace-pre-wrap",
          value === undefined ? "text-muted-foreground" : tone,
        )}
      >
        {value === undefined ? "nothing" : shown(value)}
      </pre>
    </div>
  );
}

/**
 * Expected beside got; when both are objects or lists, their line diff as well (lines of
 * what came in red, of what was expected in green).
 */
function ExpectedGot({ failure }: { failure: Failure }) {
  const expected = expectedValue(failure);
  const { got } = failure;
  const both = isStructured(expected) && isStructured(got);
  return (
    <div className="space-y-2">
      <div className="grid gap-2 sm:grid-cols-2" data-testid="expected-got">
        <Side title="Expected" value={expected} tone="bg-diff-added" />
        <Side title="Got" value={got} tone="bg-diff-removed" />
      </div>
      {both && (
        <DiffView
          diff={createTwoFilesPatch("got", "expected", shown(got), shown(expected), "", "", {
            context: 1000,
          })}
          same="Expected and got read the same."
          data-testid="expected-got-diff"
        />
      )}
    </div>
  );
}

function SchemaErrors({ errors }: { errors: unknown }) {
  if (!Array.isArray(errors) || errors.length === 0) return null;
  return (
    <ul className="list-disc space-y-0.5 pl-5 font-mono text-xs">
      {errors.map((error) => (
        <li key={String(error)}>{String(error)}</li>
      ))}
    </ul>
  );
}

function FailureItem({ failure }: { failure: Failure }) {
  const compared = failure.expected !== undefined && failure.expected !== null;
  return (
    <li className="space-y-2 py-3 first:pt-0 last:pb-0">
      <div className="flex flex-wrap items-baseline gap-x-2 gap-y-1">
        <span className="rounded bg-destructive/12 px-1.5 py-0.5 text-[11px] font-semibold text-destructive">
          {EXPECTATION_LABELS[failure.expectation]}
        </span>
        <span className="text-sm">{failure.message}</span>
      </div>
      {failure.expectation === "schema" && <SchemaErrors errors={failure.got} />}
      {compared && failure.expectation !== "schema" && <ExpectedGot failure={failure} />}
    </li>
  );
}

/** Why a test case failed: each unmet expectation with what was expected and what came. */
export function CaseFailures({ result }: { result: CaseResult }) {
  const failures = result.failures ?? [];
  if (failures.length === 0) return null;
  return (
    <ul className="divide-y" aria-label={`Failures of ${result.name}`}>
      {failures.map((failure, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: failures are positional
        <FailureItem key={index} failure={failure} />
      ))}
    </ul>
  );
}
