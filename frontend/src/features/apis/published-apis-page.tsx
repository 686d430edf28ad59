import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { ArrowRightIcon, HistoryIcon } from "lucide-react";
import { apisReadApisOptions } from "@/client/@tanstack/react-query.gen";
import { EmptyState } from "@/components/empty-state";
import { ErrorAlert } from "@/components/error-alert";
import { MethodBadge } from "@/components/method-badge";
import { PageHeader } from "@/components/page-header";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/components/ui/table";
import { AccessBadge } from "./access-badge";
import { endpointPath } from "./api-types";
import { LiveVersion } from "./live-version";
import { useModules } from "./use-lookups";

/** The published APIs with their live version, each a link to its history. */
export function PublishedApisPage() {
  const modules = useModules();
  const apis = useQuery(apisReadApisOptions({ query: { limit: 1000 } }));
  const published = (apis.data?.data ?? []).filter((api) => api.is_published);
  const moduleName = (id: number) => modules?.find((module) => module.id === id)?.name;
  return (
    <div className="space-y-6">
      <PageHeader
        title="Versions"
        description="The APIs clients can call, and the version each one serves."
      />
      {apis.isError && <ErrorAlert error={apis.error} />}
      {apis.isPending && !apis.isError && <Skeleton className="h-32 w-full" />}
      {apis.data && published.length === 0 && (
        <EmptyState icon={HistoryIcon} title="Nothing published yet">
          <p>Publish an API from its editor: each publish adds a version to compare and restore.</p>
          <Button asChild variant="outline" className="mt-4">
            <Link to="/apis">Go to the APIs</Link>
          </Button>
        </EmptyState>
      )}
      {published.length > 0 && (
        <Card className="overflow-hidden">
          <Table>
            <TableHeader>
              <TableRow className="hover:bg-transparent">
                <TableHead>Endpoint</TableHead>
                <TableHead>Name</TableHead>
                <TableHead>Serving</TableHead>
                <TableHead>Access</TableHead>
                <TableHead className="text-right">History</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {published.map((api) => (
                <TableRow key={api.id}>
                  <TableCell>
                    <div className="flex items-center gap-3">
                      <MethodBadge method={api.method ?? "GET"} />
                      <code className="font-mono text-[13px]">
                        {endpointPath(moduleName(api.module_id), api.path)}
                      </code>
                    </div>
                  </TableCell>
                  <TableCell className="font-medium">{api.name}</TableCell>
                  <TableCell>
                    <LiveVersion api={api} />
                  </TableCell>
                  <TableCell>
                    <AccessBadge access={api.access ?? "private"} />
                  </TableCell>
                  <TableCell className="text-right">
                    <Button variant="ghost" size="sm" asChild>
                      <Link to="/apis/$id" params={{ id: api.id }} search={{ tab: "versions" }}>
                        Versions
                        <ArrowRightIcon />
                      </Link>
                    </Button>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Card>
      )}
    </div>
  );
}
