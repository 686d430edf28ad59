import { AlertCircleIcon, CheckCircle2Icon, DownloadIcon, TriangleAlertIcon } from "lucide-react";
import type { TableImportReport } from "@/client/types.gen";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/components/ui/table";
import { downloadText } from "@/lib/download";

const plural = (count: number, one: string) => `${count} ${one}${count === 1 ? "" : "s"}`;

/** One CSV cell, quoted when it holds a comma, a quote or a line break (RFC 4180). */
function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The refused rows as `line,message`, the shape the server's `?report=csv` has. */
export function reportCsv(report: TableImportReport): string {
  const rows = [["line", "message"], ...report.errors.map((error) => [error.line, error.message])];
  return rows.map((row) => `${row.map(csvCell).join(",")}\r\n`).join("");
}

/** What happened, in one sentence, coloured by how it went. */
function Outcome({ report }: { report: TableImportReport }) {
  if (!report.committed) {
    return (
      <Alert variant="destructive">
        <AlertCircleIcon />
        <p>
          Nothing was written: {plural(report.failed, "row")} failed, so the all-or-nothing import
          was rolled back. Fix the rows below and import the file again.
        </p>
      </Alert>
    );
  }
  if (report.failed > 0) {
    return (
      <Alert variant="warning">
        <TriangleAlertIcon />
        <p>
          {plural(report.inserted, "row")} inserted; {plural(report.failed, "row")} refused and left
          out.
        </p>
      </Alert>
    );
  }
  return (
    <Alert variant="success">
      <CheckCircle2Icon />
      <p>{plural(report.inserted, "row")} inserted.</p>
    </Alert>
  );
}

/** The import's counts and each refused row with its line in the file and the reason. */
export function ImportReport({ report }: { report: TableImportReport }) {
  const { errors } = report;
  return (
    <section aria-label="Import report" className="min-w-0 space-y-3">
      <Outcome report={report} />
      <dl className="grid grid-cols-2 gap-3 text-sm">
        <div className="rounded-lg border px-3 py-2">
          <dt className="text-xs text-muted-foreground">Inserted</dt>
          <dd className="text-lg font-semibold tabular-nums">{report.inserted}</dd>
        </div>
        <div className="rounded-lg border px-3 py-2">
          <dt className="text-xs text-muted-foreground">Failed</dt>
          <dd className="text-lg font-semibold tabular-nums">{report.failed}</dd>
        </div>
      </dl>
      {errors.length > 0 && (
        <>
          <div className="max-h-64 overflow-y-auto rounded-md border">
            <Table aria-label="Refused rows">
              <TableHeader className="sticky top-0 bg-popover">
                <TableRow className="hover:bg-transparent">
                  <TableHead className="w-16 text-right">Line</TableHead>
                  <TableHead>Reason</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {errors.map((error) => (
                  <TableRow key={`${error.line}-${error.message}`}>
                    <TableCell className="text-right align-top font-mono text-xs tabular-nums">
                      {error.line}
                    </TableCell>
                    <TableCell className="text-xs break-words whitespace-normal">
                      {error.message}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
          <div className="flex flex-wrap items-center justify-between gap-2">
            <p className="text-xs text-muted-foreground">
              {errors.length < report.failed
                ? `The first ${errors.length} of ${report.failed} refused rows are listed.`
                : "Line 1 is the header."}
            </p>
            <Button
              type="button"
              variant="outline"
              size="sm"
              onClick={() =>
                downloadText(reportCsv(report), `${report.table}-import-report.csv`, "text/csv")
              }
            >
              <DownloadIcon />
              Download report
            </Button>
          </div>
        </>
      )}
    </section>
  );
}
