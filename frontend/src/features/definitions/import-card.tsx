import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  CheckCircle2Icon,
  FileUpIcon,
  LoaderCircleIcon,
  SearchCheckIcon,
  UploadIcon,
} from "lucide-react";
import { type ChangeEvent, useId, useState } from "react";
import { exchangeImportYaml } from "@/client/sdk.gen";
import type { ImportReport } from "@/client/types.gen";
import { DisabledReason } from "@/components/disabled-reason";
import { ErrorAlert } from "@/components/error-alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { ApiError } from "@/lib/api";
import { changesAnything, ImportPlan } from "./import-plan";

type Chosen = { name: string; text: string };

/** What an import is asked to do; a plan holds for exactly these. */
type Request = { text: string; prune: boolean; reason: string };

/** The server names an uploaded file "the body"; the user knows it by its name. */
const BODY_PLACE = /^the body line /;

/** Each problem of a refused file: the object, then the place and the rule. */
function problemsOf(error: unknown, fileName: string): string[] {
  if (!(error instanceof ApiError) || error.status !== 422) return [];
  const body = error.body as { detail?: unknown };
  if (!Array.isArray(body.detail)) return [];
  return body.detail.map((issue: { loc?: unknown[]; msg?: string }) => {
    const where = (issue.loc ?? []).filter((part) => part !== "body" && part !== "query");
    const message = String(issue.msg).replace(BODY_PLACE, `${fileName} line `);
    return where.length > 0 ? `${where.join(".")}: ${message}` : message;
  });
}

/** A module's test gate held the import back (the file's tests fail). */
const GATE_HELD = "requires passing tests";

function Problems({ problems }: { problems: string[] }) {
  return (
    <div
      role="alert"
      className="space-y-2 rounded-lg border border-destructive/30 bg-destructive/5 p-3 text-sm"
    >
      <p className="font-medium text-destructive">The file cannot be imported; nothing changed.</p>
      <ul className="list-disc space-y-1 pl-5 font-mono text-xs" aria-label="Problems">
        {problems.map((problem) => (
          <li key={problem}>{problem}</li>
        ))}
      </ul>
    </div>
  );
}

function importYaml(request: Request, dryRun: boolean): Promise<ImportReport> {
  const query = {
    dry_run: dryRun,
    prune: request.prune,
    force_reason: request.reason.trim() || null,
  };
  return exchangeImportYaml({
    body: request.text,
    // The file goes as it is, not as a JSON string.
    bodySerializer: null,
    query,
    throwOnError: true,
  }).then((answer) => answer.data);
}

function FilePicker({
  chosen,
  onChosen,
}: {
  chosen: Chosen | null;
  onChosen: (c: Chosen) => void;
}) {
  const id = useId();
  async function choose(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (file) onChosen({ name: file.name, text: await file.text() });
  }
  return (
    <div className="grid gap-2">
      <Label htmlFor={id}>Definitions file</Label>
      <Input
        id={id}
        type="file"
        accept=".yaml,.yml,.json,application/yaml,text/yaml"
        onChange={choose}
      />
      {chosen && (
        <p className="text-xs text-muted-foreground">
          {chosen.name}: {chosen.text.split("\n").length} lines
        </p>
      )}
    </div>
  );
}

type ImportOptionsProps = {
  prune: boolean;
  onPruneChange: (prune: boolean) => void;
  /** The reason to publish past failing tests; null hides the field until a gate asks. */
  reason: string | null;
  onReasonChange: (reason: string) => void;
};

function ImportOptions({ prune, onPruneChange, reason, onReasonChange }: ImportOptionsProps) {
  const pruneId = useId();
  const reasonId = useId();
  return (
    <>
      <div className="flex items-start gap-2">
        <Checkbox
          id={pruneId}
          checked={prune}
          onCheckedChange={(state) => onPruneChange(state === true)}
        />
        <div className="grid gap-0.5">
          <Label htmlFor={pruneId}>Delete what the file does not hold</Label>
          <p className="text-xs text-muted-foreground">
            A file of some modules deletes only APIs and macros of those modules.
          </p>
        </div>
      </div>
      {reason !== null && (
        <div className="grid gap-2">
          <Label htmlFor={reasonId}>Reason to publish past failing tests</Label>
          <Input
            id={reasonId}
            maxLength={500}
            placeholder="Kept in the versions' message and the audit log"
            value={reason}
            onChange={(event) => onReasonChange(event.target.value)}
          />
        </div>
      )}
    </>
  );
}

/**
 * Import a definitions file: a dry run first shows the plan, then the same request is
 * applied, all or nothing.
 */
/** Why Import is off once a file is chosen, in words (a disabled button shows no title). */
function importBlocked(plan: ImportReport | null): string | null {
  if (!plan) return "Check the file first: Import applies the plan the dry run shows.";
  if (!changesAnything(plan)) return "Nothing to import: the file matches what is here.";
  return null;
}

export function ImportCard({ missing }: { missing: string[] }) {
  const queryClient = useQueryClient();
  const [chosen, setChosen] = useState<Chosen | null>(null);
  const [prune, setPrune] = useState(false);
  const [reason, setReason] = useState("");
  const request: Request = { text: chosen?.text ?? "", prune, reason };
  const check = useMutation({ mutationFn: (asked: Request) => importYaml(asked, true) });
  const apply = useMutation({
    mutationFn: (asked: Request) => importYaml(asked, false),
    // Anything may have changed: every list and page reads afresh.
    onSuccess: () => queryClient.invalidateQueries(),
  });
  const plan =
    check.data && check.variables && sameRequest(check.variables, request) ? check.data : null;
  const problems = problemsOf(apply.error ?? check.error, chosen?.name ?? "the file");
  const gateHeld = problems.some((problem) => problem.includes(GATE_HELD));
  const allowed = missing.length === 0;

  function reset(change: () => void) {
    change();
    check.reset();
    apply.reset();
  }

  return (
    <Card role="region" aria-label="Import">
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <FileUpIcon className="size-4 text-primary" />
          Import
        </CardTitle>
        <CardDescription>
          Makes the store match a file, all or nothing: objects are matched by name. Check the file
          first to see what would change.
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-4">
        {!allowed && (
          <p className="text-sm text-muted-foreground">
            Importing needs write on everything the file holds and publish on APIs and macros; you
            lack {missing.join(", ")}.
          </p>
        )}
        <FilePicker chosen={chosen} onChosen={(next) => reset(() => setChosen(next))} />
        <ImportOptions
          prune={prune}
          onPruneChange={(next) => reset(() => setPrune(next))}
          reason={gateHeld || reason ? reason : null}
          onReasonChange={(next) => reset(() => setReason(next))}
        />
        {problems.length > 0 ? (
          <Problems problems={problems} />
        ) : (
          (check.isError || apply.isError) && <ErrorAlert error={apply.error ?? check.error} />
        )}
        <div className="flex flex-wrap gap-2">
          <Button
            type="button"
            variant={plan ? "outline" : "default"}
            disabled={!allowed || !chosen || check.isPending}
            onClick={() => {
              apply.reset();
              check.mutate(request);
            }}
          >
            {check.isPending ? <LoaderCircleIcon className="animate-spin" /> : <SearchCheckIcon />}
            Check (dry run)
          </Button>
          <Button
            type="button"
            disabled={!plan || !changesAnything(plan) || apply.isPending || apply.isSuccess}
            onClick={() => apply.mutate(request)}
          >
            {apply.isPending ? <LoaderCircleIcon className="animate-spin" /> : <UploadIcon />}
            Import
          </Button>
        </div>
        {allowed &&
          chosen &&
          !apply.isSuccess &&
          !check.isPending &&
          !check.isError &&
          importBlocked(plan) && <DisabledReason>{importBlocked(plan)}</DisabledReason>}
        {apply.data ? (
          <div className="space-y-3 border-t pt-4">
            <p role="status" className="flex items-center gap-2 text-sm font-medium">
              <CheckCircle2Icon className="size-4 text-success" />
              Imported
            </p>
            <ImportPlan report={apply.data} />
          </div>
        ) : (
          plan && (
            <div className="space-y-3 border-t pt-4">
              <p role="status" className="text-sm font-medium">
                The plan: what importing {chosen?.name} would do
              </p>
              <ImportPlan report={plan} />
            </div>
          )
        )}
      </CardContent>
    </Card>
  );
}

function sameRequest(a: Request, b: Request): boolean {
  return a.text === b.text && a.prune === b.prune && a.reason === b.reason;
}
