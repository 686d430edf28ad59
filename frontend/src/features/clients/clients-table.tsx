import { KeyRoundIcon } from "lucide-react";
import type { ClientPublic, GroupPublic } from "@/client/types.gen";
import { CopyButton } from "@/components/copy-button";
import { DeleteIconButton, EditIconButton } from "@/components/icon-buttons";
import { RowActionsCell } from "@/components/row-actions-cell";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Switch } from "@/components/ui/switch";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/components/ui/table";
import { formatSeconds } from "./form-values";

type ClientsTableProps = {
  clients: ClientPublic[];
  groups: GroupPublic[] | undefined;
  onEdit?: (client: ClientPublic) => void;
  onRegenerate?: (client: ClientPublic) => void;
  onDelete?: (client: ClientPublic) => void;
  onToggleActive?: (client: ClientPublic, active: boolean) => void;
};

function Grants({ client, groups }: { client: ClientPublic; groups: GroupPublic[] | undefined }) {
  const direct = client.api_ids.length;
  if (client.group_ids.length === 0 && direct === 0) {
    return <span className="text-muted-foreground">No APIs</span>;
  }
  const nameOf = (id: number) => groups?.find((group) => group.id === id)?.name ?? `#${id}`;
  return (
    <div className="flex flex-wrap items-center gap-1">
      {client.group_ids.map((id) => (
        <Badge key={id} variant="secondary">
          {nameOf(id)}
        </Badge>
      ))}
      {direct > 0 && (
        <Badge variant="outline" className="font-normal">
          +{direct} direct {direct === 1 ? "API" : "APIs"}
        </Badge>
      )}
    </div>
  );
}

function Limits({ client }: { client: ClientPublic }) {
  const parts = [
    client.rate_limit_per_minute != null && `${client.rate_limit_per_minute}/min`,
    client.max_concurrent != null && `${client.max_concurrent} at once`,
    client.token_expire_seconds != null && `token ${formatSeconds(client.token_expire_seconds)}`,
    (client.allowed_ips?.length ?? 0) > 0 &&
      `${client.allowed_ips?.length} ${client.allowed_ips?.length === 1 ? "address" : "addresses"}`,
  ].filter((part): part is string => typeof part === "string");
  if (parts.length === 0) return <span className="text-muted-foreground">Defaults</span>;
  return <span className="text-xs text-muted-foreground">{parts.join(" · ")}</span>;
}

function Active({
  client,
  onToggle,
}: {
  client: ClientPublic;
  onToggle: ClientsTableProps["onToggleActive"];
}) {
  const active = client.is_active ?? true;
  if (!onToggle) {
    return active ? (
      <Badge variant="success">Active</Badge>
    ) : (
      <Badge variant="muted">Inactive</Badge>
    );
  }
  return (
    <div className="flex items-center gap-2">
      <Switch
        checked={active}
        aria-label={`${client.name} is active`}
        onCheckedChange={(checked) => onToggle(client, checked)}
      />
      <span className={active ? "text-sm" : "text-sm text-muted-foreground"}>
        {active ? "Active" : "Inactive"}
      </span>
    </div>
  );
}

function Actions({
  client,
  ...props
}: { client: ClientPublic } & Omit<ClientsTableProps, "clients" | "groups">) {
  return (
    <RowActionsCell>
      {props.onEdit && (
        <EditIconButton
          label={`Edit ${client.name}`}
          title="Edit"
          onClick={() => props.onEdit?.(client)}
        />
      )}
      {props.onRegenerate && (
        <Button
          variant="ghost"
          size="icon-sm"
          aria-label={`Regenerate the secret of ${client.name}`}
          title="Regenerate secret"
          onClick={() => props.onRegenerate?.(client)}
        >
          <KeyRoundIcon />
        </Button>
      )}
      {props.onDelete && (
        <DeleteIconButton
          label={`Delete ${client.name}`}
          title="Delete"
          onClick={() => props.onDelete?.(client)}
        />
      )}
    </RowActionsCell>
  );
}

export function ClientsTable({ clients, groups, ...props }: ClientsTableProps) {
  const hasActions = Boolean(props.onEdit || props.onRegenerate || props.onDelete);
  return (
    <Table>
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Client</TableHead>
          <TableHead>Client ID</TableHead>
          <TableHead>Status</TableHead>
          <TableHead>Access</TableHead>
          <TableHead>Limits</TableHead>
          {hasActions && <TableHead className="text-right">Actions</TableHead>}
        </TableRow>
      </TableHeader>
      <TableBody>
        {clients.map((client) => (
          <TableRow key={client.id}>
            <TableCell className="max-w-56">
              <span className="font-medium">{client.name}</span>
              {client.description && (
                <p className="mt-0.5 truncate text-xs text-muted-foreground">
                  {client.description}
                </p>
              )}
            </TableCell>
            <TableCell>
              <div className="flex items-center gap-1">
                <code className="font-mono text-xs" data-testid="client-id">
                  {client.client_id}
                </code>
                <CopyButton text={client.client_id} label="Copy the client ID" className="size-7" />
              </div>
            </TableCell>
            <TableCell>
              <Active client={client} onToggle={props.onToggleActive} />
            </TableCell>
            <TableCell className="max-w-64">
              <Grants client={client} groups={groups} />
            </TableCell>
            <TableCell className="max-w-48">
              <Limits client={client} />
            </TableCell>
            {hasActions && <Actions client={client} {...props} />}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
