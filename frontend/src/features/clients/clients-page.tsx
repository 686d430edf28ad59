import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { KeyRoundIcon, PlusIcon } from "lucide-react";
import { useState } from "react";
import {
  clientsReadClientsOptions,
  clientsUpdateClientMutation,
} from "@/client/@tanstack/react-query.gen";
import type { ClientPublic, ClientWithSecret } from "@/client/types.gen";
import { EmptyState } from "@/components/empty-state";
import { ErrorAlert } from "@/components/error-alert";
import { useGroups } from "@/components/group-picker";
import { FilterSelect, ListSearch, NoMatches } from "@/components/list-search";
import { PageHeader } from "@/components/page-header";
import { Pagination } from "@/components/pagination";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { can } from "@/lib/permissions";
import { isFiltered, optionalBoolean } from "@/lib/search-params";
import { useCurrentUser } from "@/lib/session";
import { ClientFormDialog } from "./client-form-dialog";
import { ClientsTable } from "./clients-table";
import { DeleteClientDialog } from "./delete-client-dialog";
import { McpCard } from "./mcp-card";
import { RegenerateSecretDialog } from "./regenerate-secret-dialog";
import { SecretDialog } from "./secret-dialog";
import { useRefreshClients } from "./use-refresh-clients";

const PAGE_SIZE = 20;

/** The list's search and filters, as the URL holds them. */
export type ClientsSearch = {
  q?: string;
  active?: boolean;
};

type ClientsPageProps = {
  page: number;
  search: ClientsSearch;
  onPageChange: (page: number) => void;
  /** A new search or filter (the page goes back to the first). */
  onSearchChange: (change: Partial<ClientsSearch>) => void;
};

type Editing = { kind: "closed" } | { kind: "create" } | { kind: "edit"; client: ClientPublic };

type Revealed = { client: ClientWithSecret; reason: "created" | "regenerated" } | null;

function NoClients(
  props: Pick<ClientsPageProps, "page" | "onPageChange"> & { onCreate?: () => void },
) {
  if (props.page > 1) {
    return (
      <EmptyState icon={KeyRoundIcon} title="No clients on this page">
        <Button variant="link" onClick={() => props.onPageChange(1)}>
          Go to the first page
        </Button>
      </EmptyState>
    );
  }
  return (
    <EmptyState icon={KeyRoundIcon} title="No clients yet">
      <p>
        A client is an application with its own credentials: it gets a token, then calls the private
        APIs it was granted.
      </p>
      {props.onCreate && (
        <Button className="mt-4" onClick={props.onCreate}>
          <PlusIcon />
          New client
        </Button>
      )}
    </EmptyState>
  );
}

function useToggleActive() {
  const refreshClients = useRefreshClients();
  const toggle = useMutation({ ...clientsUpdateClientMutation(), onSettled: refreshClients });
  return {
    toggle: (client: ClientPublic, active: boolean) =>
      toggle.mutate({ path: { client_id: client.id }, body: { is_active: active } }),
    error: toggle.error,
  };
}

export function ClientsPage({ page, search, onPageChange, onSearchChange }: ClientsPageProps) {
  const mayWrite = can(useCurrentUser(), "client", "write");
  const clients = useQuery({
    ...clientsReadClientsOptions({
      query: {
        q: search.q,
        active: search.active,
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
      },
    }),
    placeholderData: keepPreviousData,
  });
  const searching = page === 1 && isFiltered(search);
  const groups = useGroups();
  const active = useToggleActive();
  const [editing, setEditing] = useState<Editing>({ kind: "closed" });
  const [regenerating, setRegenerating] = useState<ClientPublic | null>(null);
  const [deleting, setDeleting] = useState<ClientPublic | null>(null);
  const [revealed, setRevealed] = useState<Revealed>(null);
  const create = mayWrite ? () => setEditing({ kind: "create" }) : undefined;
  const error = clients.error ?? active.error;

  return (
    <div className="space-y-6">
      <PageHeader
        title="Clients"
        description="Applications that call your private APIs with their own credentials."
        actions={
          create && (
            <Button onClick={create}>
              <PlusIcon />
              New client
            </Button>
          )
        }
      />
      <ListSearch noun="clients" value={search.q} onChange={(q) => onSearchChange({ q })}>
        <FilterSelect
          label="Status"
          anyLabel="Active or not"
          value={search.active === undefined ? undefined : String(search.active)}
          options={[
            ["true", "Active"],
            ["false", "Inactive"],
          ]}
          onChange={(value) => onSearchChange({ active: optionalBoolean(value) })}
        />
      </ListSearch>
      {error && <ErrorAlert error={error} />}
      {clients.isPending && !clients.isError && (
        <Card className="space-y-3 p-6">
          <Skeleton className="h-5 w-1/3" />
          <Skeleton className="h-5 w-full" />
          <Skeleton className="h-5 w-full" />
        </Card>
      )}
      {clients.data && clients.data.data.length === 0 && searching && (
        <NoMatches
          noun="clients"
          q={search.q}
          onClear={() => onSearchChange({ q: undefined, active: undefined })}
        />
      )}
      {clients.data && clients.data.data.length === 0 && !searching && (
        <NoClients page={page} onPageChange={onPageChange} onCreate={create} />
      )}
      {clients.data && clients.data.data.length > 0 && (
        <Card className="overflow-hidden">
          <ClientsTable
            clients={clients.data.data}
            groups={groups}
            onEdit={mayWrite ? (client) => setEditing({ kind: "edit", client }) : undefined}
            onRegenerate={mayWrite ? setRegenerating : undefined}
            onDelete={mayWrite ? setDeleting : undefined}
            onToggleActive={mayWrite ? active.toggle : undefined}
          />
          {clients.data.count > PAGE_SIZE && (
            <div className="border-t px-4 py-3">
              <Pagination
                page={page}
                pageSize={PAGE_SIZE}
                total={clients.data.count}
                onPageChange={onPageChange}
              />
            </div>
          )}
        </Card>
      )}
      <McpCard origin={window.location.origin} />
      <ClientFormDialog
        open={editing.kind !== "closed"}
        onOpenChange={(open) => !open && setEditing({ kind: "closed" })}
        client={editing.kind === "edit" ? editing.client : undefined}
        onCreated={(client) => setRevealed({ client, reason: "created" })}
      />
      <RegenerateSecretDialog
        client={regenerating}
        onClose={() => setRegenerating(null)}
        onRegenerated={(client) => {
          setRegenerating(null);
          setRevealed({ client, reason: "regenerated" });
        }}
      />
      <DeleteClientDialog client={deleting} onClose={() => setDeleting(null)} />
      <SecretDialog
        client={revealed?.client ?? null}
        reason={revealed?.reason ?? "created"}
        onClose={() => setRevealed(null)}
      />
    </div>
  );
}
