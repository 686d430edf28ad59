import { cn } from "@/lib/utils";

type DiffLine = {
  kind: "add" | "remove" | "context" | "hunk" | "file";
  text: string;
  oldNumber?: number;
  newNumber?: number;
};

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

/** A unified diff as lines with their old and new line numbers. */
export function parseUnifiedDiff(diff: string): DiffLine[] {
  let oldNumber = 0;
  let newNumber = 0;
  const lines: DiffLine[] = [];
  for (const text of diff.replace(/\n$/, "").split("\n")) {
    const hunk = HUNK.exec(text);
    if (hunk) {
      oldNumber = Number(hunk[1]);
      newNumber = Number(hunk[2]);
      lines.push({ kind: "hunk", text });
    } else if (text.startsWith("+++") || text.startsWith("---")) {
      lines.push({ kind: "file", text });
    } else if (text.startsWith("+")) {
      lines.push({ kind: "add", text: text.slice(1), newNumber: newNumber++ });
    } else if (text.startsWith("-")) {
      lines.push({ kind: "remove", text: text.slice(1), oldNumber: oldNumber++ });
    } else if (!text.startsWith("\\")) {
      const body = text.startsWith(" ") ? text.slice(1) : text;
      lines.push({ kind: "context", text: body, oldNumber: oldNumber++, newNumber: newNumber++ });
    }
  }
  return lines;
}

const rowTone: Record<DiffLine["kind"], string> = {
  add: "bg-diff-added",
  remove: "bg-diff-removed",
  context: "",
  hunk: "bg-accent/60 text-accent-foreground",
  file: "text-muted-foreground",
};

const sign: Record<DiffLine["kind"], string> = {
  add: "+",
  remove: "−",
  context: "",
  hunk: "",
  file: "",
};

type DiffViewProps = {
  diff: string;
  /** Said when the diff is empty. */
  same?: string;
  "data-testid"?: string;
};

/** A unified diff with line numbers, added lines green and removed lines red. */
export function DiffView({
  diff,
  same = "The SQL template is the same in both versions.",
  "data-testid": testId = "content-diff",
}: DiffViewProps) {
  const lines = parseUnifiedDiff(diff).filter((line) => line.kind !== "file");
  if (lines.length === 0) {
    return (
      <p className="rounded-lg border border-dashed px-4 py-6 text-center text-sm text-muted-foreground">
        {same}
      </p>
    );
  }
  return (
    <div className="overflow-x-auto rounded-lg border bg-card" data-testid={testId}>
      <table className="w-full border-collapse font-mono text-[12.5px] leading-6">
        <tbody>
          {lines.map((line, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: diff lines are positional
            <tr key={index} className={rowTone[line.kind]} data-kind={line.kind}>
              <td className="w-10 border-r px-2 text-right text-muted-foreground/80 select-none">
                {line.oldNumber ?? ""}
              </td>
              <td className="w-10 border-r px-2 text-right text-muted-foreground/80 select-none">
                {line.newNumber ?? ""}
              </td>
              <td
                className={cn(
                  "w-5 pl-2 select-none",
                  line.kind === "add" && "text-success",
                  line.kind === "remove" && "text-destructive",
                )}
              >
                {sign[line.kind]}
              </td>
              <td className="pr-4 whitespace-pre">{line.text || " "}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
