import type { ReactNode } from "react";
import type { DatasourcePublic } from "@/client/types.gen";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid gap-0.5">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="font-medium">{children}</dd>
    </div>
  );
}

/** What the server knows that the form does not show. */
export function DatasourceDetails({ source }: { source: DatasourcePublic }) {
  return (
    <Card className="lg:sticky lg:top-20">
      <CardHeader className="pb-3">
        <CardTitle className="text-sm">Details</CardTitle>
      </CardHeader>
      <CardContent>
        <dl className="grid gap-3 text-sm">
          <Row label="ID">
            <span className="font-mono">{source.id}</span>
          </Row>
          <Row label="Password">{source.has_password ? "Stored" : "None"}</Row>
          <Row label="Created">{dateFormat.format(new Date(source.created_at))}</Row>
          <Row label="Updated">{dateFormat.format(new Date(source.updated_at))}</Row>
        </dl>
      </CardContent>
    </Card>
  );
}
