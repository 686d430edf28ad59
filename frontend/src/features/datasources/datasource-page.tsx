import { useQuery } from "@tanstack/react-query";
import { DatabaseIcon, SettingsIcon, Table2Icon, Trash2Icon } from "lucide-react";
import { useState } from "react";
import { datasourcesReadDatasourceOptions } from "@/client/@tanstack/react-query.gen";
import type { DatasourcePublic } from "@/client/types.gen";
import { EmptyState } from "@/components/empty-state";
import { ErrorAlert } from "@/components/error-alert";
import { PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { ApiError } from "@/lib/api";
import { can } from "@/lib/permissions";
import { useCurrentUser } from "@/lib/session";
import { BackToList } from "./back-to-list";
import { DatasourceDetails } from "./datasource-details";
import { DatasourceForm } from "./datasource-form";
import { DatasourceTypeBadge } from "./datasource-type-badge";
import { connectionSummary } from "./datasource-types";
import { DeleteDatasourceDialog } from "./delete-datasource-dialog";
import { TableBrowser } from "./table-browser";

export type DatasourceTab = "settings" | "tables";

type DatasourcePageProps = {
  id: number;
  tab: DatasourceTab;
  table: string | undefined;
  onTabChange: (tab: DatasourceTab) => void;
  onTableChange: (table: string | undefined) => void;
  onDeleted: () => void | Promise<void>;
};

function Summary({ source }: { source: DatasourcePublic }) {
  return (
    <div className="flex flex-wrap items-center gap-2 pt-1">
      <DatasourceTypeBadge type={source.type} />
      <code className="font-mono text-xs">{connectionSummary(source)}</code>
      {!(source.is_active ?? true) && <Badge variant="muted">Inactive</Badge>}
    </div>
  );
}

function LoadFailed({ error }: { error: unknown }) {
  if (error instanceof ApiError && error.status === 404) {
    return (
      <EmptyState icon={DatabaseIcon} title="Data source not found">
        It may have been deleted.
      </EmptyState>
    );
  }
  return <ErrorAlert error={error} />;
}

function Settings({ source, mayWrite }: { source: DatasourcePublic; mayWrite: boolean }) {
  return (
    <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_16rem]">
      <DatasourceForm key={source.id} source={source} mayWrite={mayWrite} />
      <DatasourceDetails source={source} />
    </div>
  );
}

/**
 * One data source: its settings to edit, and a browser of its tables. Listing the tables
 * connects with the stored password, so only those who may edit the source browse them;
 * the others see its settings alone.
 */
export function DatasourcePage(props: DatasourcePageProps) {
  const mayWrite = can(useCurrentUser(), "datasource", "write");
  const query = useQuery(datasourcesReadDatasourceOptions({ path: { datasource_id: props.id } }));
  const [deleting, setDeleting] = useState(false);
  const source = query.data;

  return (
    <div className="space-y-6">
      <BackToList />
      {query.isError && <LoadFailed error={query.error} />}
      {query.isPending && (
        <Card className="space-y-3 p-6">
          <Skeleton className="h-7 w-1/3" />
          <Skeleton className="h-5 w-1/2" />
        </Card>
      )}
      {source && (
        <>
          <PageHeader
            title={source.name}
            description={<Summary source={source} />}
            actions={
              mayWrite && (
                <Button
                  variant="outline"
                  className="text-destructive hover:text-destructive"
                  onClick={() => setDeleting(true)}
                >
                  <Trash2Icon />
                  Delete
                </Button>
              )
            }
          />
          {mayWrite ? (
            <Tabs
              value={props.tab}
              onValueChange={(tab) => props.onTabChange(tab as DatasourceTab)}
            >
              <TabsList>
                <TabsTrigger value="settings">
                  <SettingsIcon />
                  Settings
                </TabsTrigger>
                <TabsTrigger value="tables">
                  <Table2Icon />
                  Tables
                </TabsTrigger>
              </TabsList>
              <TabsContent value="settings" className="mt-6">
                <Settings source={source} mayWrite />
              </TabsContent>
              <TabsContent value="tables" className="mt-6">
                <TableBrowser
                  id={source.id}
                  name={source.name}
                  selected={props.table}
                  onSelect={props.onTableChange}
                />
              </TabsContent>
            </Tabs>
          ) : (
            <Settings source={source} mayWrite={false} />
          )}
          <DeleteDatasourceDialog
            source={deleting ? source : null}
            onClose={() => setDeleting(false)}
            onDeleted={props.onDeleted}
          />
        </>
      )}
    </div>
  );
}
