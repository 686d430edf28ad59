import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { BellIcon, PlusIcon } from "lucide-react";
import { useState } from "react";
import {
  alertsReadAlertsOptions,
  datasourcesReadDatasourcesOptions,
  modulesReadModulesOptions,
} from "@/client/@tanstack/react-query.gen";
import type { AlertPublic } from "@/client/types.gen";
import { useApiOptions } from "@/components/api-picker";
import { EmptyState } from "@/components/empty-state";
import { ErrorAlert } from "@/components/error-alert";
import { PageHeader } from "@/components/page-header";
import { Pagination } from "@/components/pagination";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { can } from "@/lib/permissions";
import { useCurrentUser } from "@/lib/session";
import { AlertFormDialog } from "./alert-form-dialog";
import { AlertsTable } from "./alerts-table";
import { DeleteAlertDialog } from "./delete-alert-dialog";
import { FiringsCard } from "./firings-card";
import { SilenceDialog } from "./silence-dialog";

const PAGE_SIZE = 20;

type AlertsPageProps = { page: number; onPageChange: (page: number) => void };

type Editing = { kind: "closed" } | { kind: "create" } | { kind: "edit"; alert: AlertPublic };

/** Names for what rules watch: modules, APIs and data sources by id. */
function useTargets(): (alert: AlertPublic) => string {
  const me = useCurrentUser();
  const modules = useQuery({
    ...modulesReadModulesOptions({ query: { limit: 1000 } }),
    enabled: can(me, "module", "read"),
  });
  const sources = useQuery({
    ...datasourcesReadDatasourcesOptions({ query: { limit: 1000 } }),
    enabled: can(me, "datasource", "read"),
  });
  const apis = useApiOptions();
  return (alert) => {
    if (alert.api_id) {
      return apis?.find((a) => a.value === alert.api_id)?.endpoint ?? `API #${alert.api_id}`;
    }
    if (alert.module_id) {
      const name = modules.data?.data.find((m) => m.id === alert.module_id)?.name;
      return `Module ${name ?? `#${alert.module_id}`}`;
    }
    if (alert.kind === "datasource_health") {
      if (!alert.datasource_id) return "Every data source";
      const name = sources.data?.data.find((s) => s.id === alert.datasource_id)?.name;
      return `Data source ${name ?? `#${alert.datasource_id}`}`;
    }
    return alert.kind === "records_dropped" ? "The access-record queue" : "Every API";
  };
}

export function AlertsPage({ page, onPageChange }: AlertsPageProps) {
  const mayWrite = can(useCurrentUser(), "alert", "write");
  const alerts = useQuery({
    ...alertsReadAlertsOptions({ query: { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE } }),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
  const target = useTargets();
  const [editing, setEditing] = useState<Editing>({ kind: "closed" });
  const [silencing, setSilencing] = useState<AlertPublic | null>(null);
  const [deleting, setDeleting] = useState<AlertPublic | null>(null);
  const create = mayWrite ? () => setEditing({ kind: "create" }) : undefined;

  return (
    <div className="space-y-6">
      <PageHeader
        title="Alerts"
        description="Rules that tell a webhook when APIs fail or slow down, a data source is down, or access records are dropped."
        actions={
          create && (
            <Button onClick={create}>
              <PlusIcon />
              New alert
            </Button>
          )
        }
      />
      {alerts.isError && <ErrorAlert error={alerts.error} />}
      {alerts.isPending && !alerts.isError && <Skeleton className="h-32" />}
      {alerts.data && alerts.data.data.length === 0 && (
        <EmptyState icon={BellIcon} title="No alerts yet">
          <p>Hear about failing APIs before the people who call them do.</p>
          {create && (
            <Button className="mt-4" onClick={create}>
              <PlusIcon />
              New alert
            </Button>
          )}
        </EmptyState>
      )}
      {alerts.data && alerts.data.data.length > 0 && (
        <Card className="overflow-hidden">
          <AlertsTable
            alerts={alerts.data.data}
            target={target}
            onEdit={mayWrite ? (alert) => setEditing({ kind: "edit", alert }) : undefined}
            onSilence={mayWrite ? setSilencing : undefined}
            onDelete={mayWrite ? setDeleting : undefined}
          />
          {alerts.data.count > PAGE_SIZE && (
            <div className="border-t px-4 py-3">
              <Pagination
                page={page}
                pageSize={PAGE_SIZE}
                total={alerts.data.count}
                onPageChange={onPageChange}
              />
            </div>
          )}
        </Card>
      )}
      <FiringsCard />
      <AlertFormDialog
        open={editing.kind !== "closed"}
        onOpenChange={(open) => !open && setEditing({ kind: "closed" })}
        alert={editing.kind === "edit" ? editing.alert : undefined}
      />
      <SilenceDialog alert={silencing} onClose={() => setSilencing(null)} />
      <DeleteAlertDialog alert={deleting} onClose={() => setDeleting(null)} />
    </div>
  );
}
