type Row = Record<string, unknown>;

const MAX_ROWS = 200;

/** Whether the data is a list of row objects, as a SELECT gives. */
export function isRowList(data: unknown): data is Row[] {
  return (
    Array.isArray(data) &&
    data.length > 0 &&
    data.every((row) => typeof row === "object" && row !== null && !Array.isArray(row))
  );
}

function columnsOf(rows: Row[]): string[] {
  const columns = new Set<string>();
  for (const row of rows.slice(0, MAX_ROWS)) for (const key of Object.keys(row)) columns.add(key);
  return [...columns];
}

function CellValue({ value }: { value: unknown }) {
  if (value === null || value === undefined) {
    return <span className="text-muted-foreground/70 italic">null</span>;
  }
  if (typeof value === "object") {
    return <span className="font-mono text-xs">{JSON.stringify(value)}</span>;
  }
  if (typeof value === "number" || typeof value === "boolean") {
    return <span className="font-mono tabular-nums">{String(value)}</span>;
  }
  return <>{String(value)}</>;
}

/** Rows as a scrollable grid with a sticky header; long results are cut at 200 rows. */
export function ResultTable({ rows }: { rows: Row[] }) {
  const columns = columnsOf(rows);
  const shown = rows.slice(0, MAX_ROWS);
  return (
    <div className="overflow-hidden rounded-lg border">
      <div className="max-h-96 overflow-auto">
        <table className="w-full text-sm" aria-label="Result rows">
          <thead className="sticky top-0 z-10 bg-muted">
            <tr>
              <th className="w-10 border-b px-3 py-2 text-right text-xs font-medium text-muted-foreground">
                #
              </th>
              {columns.map((column) => (
                <th
                  key={column}
                  className="border-b px-3 py-2 text-left font-mono text-xs font-medium whitespace-nowrap"
                >
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((row, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity of their own
              <tr key={index} className="border-b last:border-0 even:bg-muted/25">
                <td className="px-3 py-1.5 text-right text-xs text-muted-foreground tabular-nums">
                  {index + 1}
                </td>
                {columns.map((column) => (
                  <td key={column} className="max-w-80 truncate px-3 py-1.5 whitespace-nowrap">
                    <CellValue value={row[column]} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > MAX_ROWS && (
        <p className="border-t bg-muted/30 px-3 py-2 text-xs text-muted-foreground">
          Showing the first {MAX_ROWS} of {rows.length} rows.
        </p>
      )}
    </div>
  );
}
