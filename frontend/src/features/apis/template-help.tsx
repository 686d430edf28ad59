import { CircleHelpIcon } from "lucide-react";
import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Popover, PopoverContent, PopoverTrigger } from "@/components/ui/popover";

const FILTERS = [
  "sql_string",
  "sql_int",
  "sql_float",
  "sql_bool",
  "sql_date",
  "sql_datetime",
  "in_list",
  "sql_like",
  "sql_like_start",
  "sql_like_end",
  "json",
  "fromjson",
  "compare",
  "sql_ident",
];

function Code({ children }: { children: ReactNode }) {
  return (
    <code className="rounded bg-muted px-1 py-0.5 font-mono text-[11px] text-foreground">
      {children}
    </code>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="space-y-1.5">
      <h4 className="text-xs font-semibold tracking-wide text-muted-foreground uppercase">
        {title}
      </h4>
      <div className="space-y-1.5 text-muted-foreground">{children}</div>
    </section>
  );
}

/** The template language on one card: bindings, filters, tags, macros. */
export function TemplateHelp() {
  return (
    <Popover>
      <PopoverTrigger asChild>
        <Button type="button" variant="ghost" size="sm" className="text-muted-foreground">
          <CircleHelpIcon />
          Template syntax
        </Button>
      </PopoverTrigger>
      <PopoverContent align="end" className="w-[26rem] space-y-4 text-xs leading-relaxed">
        <Section title="Parameters">
          <p>
            <Code>{"{{ min_id }}"}</Code> binds the parameter as a query placeholder; the value is
            never pasted into the SQL.
          </p>
          <p>
            <Code>{"{% if name %}…{% endif %}"}</Code> and <Code>{"{% for %}"}</Code> work as in
            Jinja.
          </p>
        </Section>
        <Section title="Filters">
          <p className="flex flex-wrap gap-1">
            {FILTERS.map((filter) => (
              <Code key={filter}>{filter}</Code>
            ))}
          </p>
          <p>
            e.g. <Code>{"{{ ids | in_list }}"}</Code>, <Code>{"{{ q | sql_like }}"}</Code>,{" "}
            <Code>{"{{ col | sql_ident }}"}</Code>. <Code>raw</Code> pastes text as is: avoid it.
          </p>
        </Section>
        <Section title="Tags">
          <p>
            <Code>{"{% where %}…{% endwhere %}"}</Code>: one condition per line; empty lines and a
            leading AND/OR are dropped. <Code>{"{% where or %}"}</Code> joins with OR.
          </p>
          <p>
            <Code>{"{% setclause %}…{% endsetclause %}"}</Code> builds <Code>SET a = …, b = …</Code>{" "}
            for updates.
          </p>
          <p>Statements separated by ; run in one transaction.</p>
        </Section>
        <Section title="Macros">
          <p>
            <Code>{"{% import 'paging' as m %}{{ m.limit(page) }}"}</Code> uses the published
            version of a macro.
          </p>
        </Section>
      </PopoverContent>
    </Popover>
  );
}
