import { useQuery } from "@tanstack/react-query";
import { BracesIcon } from "lucide-react";
import { useState } from "react";
import { apisReadApiOptions } from "@/client/@tanstack/react-query.gen";
import type { ApiPublic } from "@/client/types.gen";
import { EmptyState } from "@/components/empty-state";
import { ErrorAlert } from "@/components/error-alert";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { ApiError } from "@/lib/api";
import { ApiEditor, type ApiTab } from "./api-editor";
import { useRefreshApis } from "./use-refresh-apis";

export type { ApiTab };

type ApiEditorPageProps = {
  tab: ApiTab;
  onTabChange: (tab: ApiTab) => void;
  onCreated: (api: ApiPublic) => void;
};

function LoadFailed({ error }: { error: unknown }) {
  if (error instanceof ApiError && error.status === 404) {
    return (
      <EmptyState icon={BracesIcon} title="API not found">
        It may have been deleted.
      </EmptyState>
    );
  }
  return <ErrorAlert error={error} />;
}

/** The editor of a saved API, loaded by id. */
export function ApiPage({ id, ...props }: ApiEditorPageProps & { id: number }) {
  const query = useQuery(apisReadApiOptions({ path: { api_id: id } }));
  const refreshApis = useRefreshApis();
  // A restore changes the draft on the server: start the editor again from it.
  const [generation, setGeneration] = useState(0);
  if (query.isError) return <LoadFailed error={query.error} />;
  if (!query.data) {
    return (
      <Card className="space-y-3 p-6">
        <Skeleton className="h-7 w-1/3" />
        <Skeleton className="h-5 w-1/2" />
        <Skeleton className="h-40 w-full" />
      </Card>
    );
  }
  return (
    <ApiEditor
      key={`${query.data.id}:${generation}`}
      api={query.data}
      {...props}
      onRestored={async () => {
        await refreshApis(id);
        setGeneration((old) => old + 1);
      }}
    />
  );
}

/** The editor of an API not created yet. */
export function NewApiPage({ moduleId, ...props }: ApiEditorPageProps & { moduleId?: number }) {
  return <ApiEditor initialModuleId={moduleId} {...props} onRestored={async () => undefined} />;
}
