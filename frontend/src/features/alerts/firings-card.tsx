import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { BellRingIcon } from "lucide-react";
import { useState } from "react";
import { alertsReadFiringsOptions } from "@/client/@tanstack/react-query.gen";
import type { AlertFiringPublic } from "@/client/types.gen";
import { ErrorAlert } from "@/components/error-alert";
import { Pagination } from "@/components/pagination";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/components/ui/table";
import { formatDateTime } from "@/lib/format";

const PAGE_SIZE = 20;

function Notices({ firing }: { firing: AlertFiringPublic }) {
  if (firing.last_error) {
    return <span className="text-xs text-destructive">Not delivered: {firing.last_error}</span>;
  }
  const sent = firing.notifications + (firing.resolved_notified ? 1 : 0);
  return <span className="tabular-nums text-sm">{sent === 0 ? "None (silenced)" : sent}</span>;
}

/** Every firing, newest first: when it started and ended, what was measured, what was sent. */
export function FiringsCard() {
  const [page, setPage] = useState(1);
  const firings = useQuery({
    ...alertsReadFiringsOptions({ query: { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE } }),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
  const rows = firings.data?.data ?? [];
  return (
    <Card className="overflow-hidden">
      <CardHeader>
        <CardTitle>Firings</CardTitle>
        <CardDescription>
          Each time a rule's condition held, and what its webhook was told.
        </CardDescription>
      </CardHeader>
      <CardContent className="px-0 pb-0">
        {firings.isError && <ErrorAlert error={firings.error} />}
        {rows.length === 0 ? (
          <p className="flex items-center gap-2 border-t px-6 py-8 text-sm text-muted-foreground">
            <BellRingIcon className="size-4" />
            No alert has fired yet.
          </p>
        ) : (
          <Table aria-label="Firings">
            <TableHeader>
              <TableRow className="hover:bg-transparent">
                <TableHead>Alert</TableHead>
                <TableHead>Started</TableHead>
                <TableHead>Resolved</TableHead>
                <TableHead>Measured</TableHead>
                <TableHead>Notices</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((firing) => (
                <TableRow key={firing.id}>
                  <TableCell className="font-medium">{firing.rule_name}</TableCell>
                  <TableCell className="text-sm whitespace-nowrap">
                    {formatDateTime(firing.started_at)}
                  </TableCell>
                  <TableCell className="text-sm whitespace-nowrap">
                    {firing.resolved_at ? (
                      formatDateTime(firing.resolved_at)
                    ) : (
                      <Badge variant="destructive">Ongoing</Badge>
                    )}
                  </TableCell>
                  <TableCell className="max-w-md text-xs text-muted-foreground">
                    {firing.message}
                  </TableCell>
                  <TableCell>
                    <Notices firing={firing} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
        {(firings.data?.count ?? 0) > PAGE_SIZE && (
          <div className="border-t px-4 py-3">
            <Pagination
              page={page}
              pageSize={PAGE_SIZE}
              total={firings.data?.count ?? 0}
              onPageChange={setPage}
            />
          </div>
        )}
      </CardContent>
    </Card>
  );
}
