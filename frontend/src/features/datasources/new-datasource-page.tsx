import { LightbulbIcon } from "lucide-react";
import { PageHeader } from "@/components/page-header";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { can } from "@/lib/permissions";
import { useCurrentUser } from "@/lib/session";
import { BackToList } from "./back-to-list";
import { DatasourceForm } from "./datasource-form";

function Tips() {
  return (
    <Card className="lg:sticky lg:top-20">
      <CardHeader className="pb-3">
        <CardTitle className="flex items-center gap-2 text-sm">
          <LightbulbIcon className="size-4 text-primary" />
          Before you save
        </CardTitle>
      </CardHeader>
      <CardContent className="space-y-3 text-sm text-muted-foreground">
        <p>Test the connection first: Sluice tries the settings without storing anything.</p>
        <p>
          Give Sluice a database user that may only read what your APIs need. The password is stored
          on the server and never shown again.
        </p>
        <p>SQLite files must be in the server's SQLite data-source folder.</p>
      </CardContent>
    </Card>
  );
}

export function NewDatasourcePage({ onDone }: { onDone: () => void }) {
  const mayWrite = can(useCurrentUser(), "datasource", "write");
  return (
    <div className="space-y-6">
      <div className="space-y-3">
        <BackToList />
        <PageHeader
          title="New data source"
          description="Connect a database that your APIs can query."
        />
      </div>
      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_16rem]">
        <DatasourceForm mayWrite={mayWrite} onCreated={onDone} />
        <Tips />
      </div>
    </div>
  );
}
