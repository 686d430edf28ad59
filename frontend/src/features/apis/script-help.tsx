import { CircleHelpIcon } from "lucide-react";
import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Popover, PopoverContent, PopoverTrigger } from "@/components/ui/popover";

const CONTEXT: [string, string][] = [
  ["params", "the call's parameters, coerced to their types (also the global req)"],
  [
    "db.query(sql, args)",
    "rows as dicts; db.query_one → a row or None; db.execute → rows affected",
  ],
  ["tx", "tx.begin(), tx.commit(), tx.rollback(), or with tx: …"],
  ["http", "http.get/post/put/delete(url, …) to the allowed hosts"],
  ["cache", "cache.get(key), cache.set(key, value, ttl), cache.delete, cache.incr"],
  ["env", 'env["NAME"]: the variables an administrator allowed'],
  ["log", "log.info(…), log.warning(…), print(…): shown in the debug panel"],
  ["ds", "the data source's name, type, database and paramstyle"],
];

function Code({ children }: { children: ReactNode }) {
  return (
    <code className="rounded bg-muted px-1 py-0.5 font-mono text-[11px] text-foreground">
      {children}
    </code>
  );
}

/** The script language on one card: entry points and the context objects. */
export function ScriptHelp() {
  return (
    <Popover>
      <PopoverTrigger asChild>
        <Button type="button" variant="ghost" size="sm" className="text-muted-foreground">
          <CircleHelpIcon />
          Script context
        </Button>
      </PopoverTrigger>
      <PopoverContent align="end" className="w-[28rem] space-y-4 text-xs leading-relaxed">
        <section className="space-y-1.5">
          <h4 className="text-xs font-semibold tracking-wide text-muted-foreground uppercase">
            Entry point
          </h4>
          <p className="text-muted-foreground">
            Define <Code>def execute(params):</Code> and return the data, or assign{" "}
            <Code>result = …</Code> at the top level. Return JSON data: dicts, lists, strings,
            numbers, booleans, None.
          </p>
        </section>
        <section className="space-y-1.5">
          <h4 className="text-xs font-semibold tracking-wide text-muted-foreground uppercase">
            Context
          </h4>
          <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1.5">
            {CONTEXT.map(([name, text]) => (
              <div key={name} className="contents">
                <dt>
                  <Code>{name}</Code>
                </dt>
                <dd className="text-muted-foreground">{text}</dd>
              </div>
            ))}
          </dl>
        </section>
        <section className="space-y-1.5">
          <h4 className="text-xs font-semibold tracking-wide text-muted-foreground uppercase">
            Rules
          </h4>
          <p className="text-muted-foreground">
            Bind values with <Code>%s</Code> (PostgreSQL, MySQL) or <Code>?</Code> (SQLite, Trino).
            Import <Code>math</Code>, <Code>json</Code>, <Code>datetime</Code>, <Code>re</Code>… and
            macros with <Code>from macros import name</Code>. Names starting with _ are refused.
          </p>
        </section>
      </PopoverContent>
    </Popover>
  );
}
