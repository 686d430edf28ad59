import { XCircleIcon } from "lucide-react";
import { useId, useState } from "react";
import type { RunReport } from "@/client/types.gen";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { ApiError } from "@/lib/api";
import { CaseFailures } from "./test-failures";

/** The test results of a publish or restore that the module's gate refused, else null. */
export function gateRefusal(error: unknown): RunReport | null {
  if (!(error instanceof ApiError) || error.status !== 409 || error.code !== "tests_failed") {
    return null;
  }
  const body = error.body as { tests?: RunReport | null };
  return body.tests ?? null;
}

/**
 * What a dialog keeps of a gate's refusal: the report (kept while a forced attempt is
 * pending, when the mutation has no error) and the reason typed to force past it.
 */
export function useGateRefusal(mayForce: boolean) {
  const [report, setReport] = useState<RunReport | null>(null);
  const [reason, setReason] = useState("");
  const forcing = report !== null && mayForce;
  return {
    report,
    reason,
    setReason,
    forcing,
    /** Forcing waits for a reason. */
    blocked: forcing && reason.trim() === "",
    /** The force part of a publish or restore body. */
    force: forcing ? { force: true, reason: reason.trim() } : {},
    onError: (error: unknown) => {
      const refused = gateRefusal(error);
      if (refused) setReport(refused);
    },
    reset: () => {
      setReport(null);
      setReason("");
    },
  };
}

type GateRefusalViewProps = {
  gate: ReturnType<typeof useGateRefusal>;
  /** Whether this user may force past the gate; then the reason is asked for. */
  mayForce: boolean;
  /** "publish" or "restore", for the sentences. */
  verb: string;
};

/** Which tests held a publish back and why, then the reason to go ahead anyway; nothing
 * while nothing was refused. */
export function GateRefusalView({ gate, mayForce, verb }: GateRefusalViewProps) {
  const id = useId();
  if (!gate.report) return null;
  const failed = gate.report.results.filter((result) => !result.passed);
  return (
    <div className="grid gap-3" data-testid="gate-refusal">
      <ul
        className="max-h-80 space-y-3 overflow-y-auto rounded-lg border border-destructive/25 bg-destructive/[0.03] p-3"
        aria-label="Failed tests"
      >
        {failed.map((result) => (
          <li key={result.test_id} className="space-y-2">
            <p className="flex items-center gap-2 text-sm font-medium">
              <XCircleIcon className="size-4 shrink-0 text-destructive" />
              {result.name}
            </p>
            <div className="pl-6">
              <CaseFailures result={result} />
            </div>
          </li>
        ))}
      </ul>
      {mayForce ? (
        <div className="grid gap-2">
          <Label htmlFor={id}>Reason to {verb} anyway</Label>
          <Textarea
            id={id}
            rows={2}
            maxLength={500}
            placeholder="Why these failures may go live"
            value={gate.reason}
            onChange={(event) => gate.setReason(event.target.value)}
          />
          <p className="text-xs text-muted-foreground">
            Required. It goes into the version's message and the audit log.
          </p>
        </div>
      ) : (
        <p className="text-xs text-muted-foreground">
          Fix the tests, or ask someone who may also edit modules to {verb} past them.
        </p>
      )}
    </div>
  );
}
