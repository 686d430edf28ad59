import { CircleMinusIcon, CirclePlusIcon, type LucideIcon, PencilIcon } from "lucide-react";
import type { ImportReport, NewClient } from "@/client/types.gen";
import { CopyButton } from "@/components/copy-button";
import { cn } from "@/lib/utils";

type Group = {
  key: "created" | "changed" | "deleted";
  title: string;
  icon: LucideIcon;
  tone: string;
};

const GROUPS: Group[] = [
  { key: "created", title: "Created", icon: CirclePlusIcon, tone: "text-success" },
  { key: "changed", title: "Changed", icon: PencilIcon, tone: "text-primary" },
  { key: "deleted", title: "Deleted", icon: CircleMinusIcon, tone: "text-destructive" },
];

/** Whether applying the report would change anything. */
export function changesAnything(report: ImportReport): boolean {
  return GROUPS.some((group) => (report[group.key] ?? []).length > 0);
}

function NameList({ group, names }: { group: Group; names: string[] }) {
  const Icon = group.icon;
  return (
    <section aria-label={group.title} className="space-y-1.5">
      <h4 className="text-xs font-semibold tracking-wide text-muted-foreground uppercase">
        {group.title} <span className="tabular-nums">({names.length})</span>
      </h4>
      <ul className="space-y-1">
        {names.map((name) => (
          <li key={name} className="flex items-center gap-2 font-mono text-xs">
            <Icon className={cn("size-3.5 shrink-0", group.tone)} />
            {name}
          </li>
        ))}
      </ul>
    </section>
  );
}

function NewClients({ clients }: { clients: NewClient[] }) {
  const withSecret = clients.filter((client) => client.client_secret);
  if (clients.length === 0) return null;
  return (
    <section aria-label="New clients" className="space-y-2 rounded-lg border p-3">
      <h4 className="text-sm font-medium">New clients</h4>
      {withSecret.length > 0 && (
        <p className="text-xs text-muted-foreground">
          Their secrets are shown only now: copy them before leaving this page.
        </p>
      )}
      <ul className="space-y-1.5">
        {clients.map((client) => (
          <li key={client.name} className="grid gap-0.5 text-xs">
            <span className="font-medium">{client.name}</span>
            <span className="flex items-center gap-1 font-mono">
              client_id {client.client_id}
              <CopyButton text={client.client_id} label={`Copy the id of ${client.name}`} />
            </span>
            {client.client_secret && (
              <span className="flex items-center gap-1 font-mono break-all">
                secret {client.client_secret}
                <CopyButton
                  text={client.client_secret}
                  label={`Copy the secret of ${client.name}`}
                />
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** What an import would do (dry run) or did: created, changed, deleted, left as it was. */
export function ImportPlan({ report }: { report: ImportReport }) {
  const unchanged = report.unchanged ?? [];
  return (
    <div className="space-y-4" data-testid="import-plan">
      {!changesAnything(report) && (
        <p className="text-sm">
          {report.dry_run ? "Nothing would change" : "Nothing changed"}: the store already holds
          what the file says.
        </p>
      )}
      {GROUPS.map((group) => {
        const names = report[group.key] ?? [];
        return names.length > 0 && <NameList key={group.key} group={group} names={names} />;
      })}
      {unchanged.length > 0 && (
        <details className="text-xs">
          <summary className="cursor-pointer text-muted-foreground">
            {unchanged.length} unchanged
          </summary>
          <ul className="mt-1.5 space-y-1 font-mono">
            {unchanged.map((name) => (
              <li key={name}>{name}</li>
            ))}
          </ul>
        </details>
      )}
      <NewClients clients={report.new_clients ?? []} />
    </div>
  );
}
