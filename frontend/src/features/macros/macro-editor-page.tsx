import { useQuery } from "@tanstack/react-query";
import { SquareFunctionIcon } from "lucide-react";
import { macrosReadMacroOptions } from "@/client/@tanstack/react-query.gen";
import type { MacroPublic } from "@/client/types.gen";
import { EmptyState } from "@/components/empty-state";
import { ErrorAlert } from "@/components/error-alert";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { ApiError } from "@/lib/api";
import { MacroEditor } from "./macro-editor";

type MacroPageProps = {
  id: number;
  onDeleted: () => void | Promise<void>;
};

function LoadFailed({ error }: { error: unknown }) {
  if (error instanceof ApiError && error.status === 404) {
    return (
      <EmptyState icon={SquareFunctionIcon} title="Macro not found">
        It may have been deleted.
      </EmptyState>
    );
  }
  return <ErrorAlert error={error} />;
}

/** The editor of a saved macro, loaded by id. */
export function MacroPage({ id, onDeleted }: MacroPageProps) {
  const query = useQuery(macrosReadMacroOptions({ path: { macro_id: id } }));
  if (query.isError) return <LoadFailed error={query.error} />;
  if (!query.data) {
    return (
      <Card className="space-y-3 p-6">
        <Skeleton className="h-7 w-1/3" />
        <Skeleton className="h-40 w-full" />
      </Card>
    );
  }
  return (
    <MacroEditor
      key={query.data.id}
      macro={query.data}
      onCreated={() => undefined}
      onDeleted={onDeleted}
    />
  );
}

export function NewMacroPage({ onCreated }: { onCreated: (macro: MacroPublic) => void }) {
  return <MacroEditor onCreated={onCreated} onDeleted={() => undefined} />;
}
