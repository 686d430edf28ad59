import { useMutation } from "@tanstack/react-query";
import { ActivityIcon, LoaderCircleIcon } from "lucide-react";
import { datasourcesTestDatasourceMutation } from "@/client/@tanstack/react-query.gen";
import type { DatasourcePublic, DatasourceTestResult } from "@/client/types.gen";
import { Button } from "@/components/ui/button";
import { errorMessage } from "@/lib/api";
import { TestResultBadge } from "./test-result";

/** Tests a saved source on demand and shows the last result. */
export function HealthCell({ source }: { source: DatasourcePublic }) {
  const test = useMutation(datasourcesTestDatasourceMutation());
  const result: DatasourceTestResult | undefined = test.isError
    ? { ok: false, message: errorMessage(test.error), latency_ms: null }
    : test.data;
  return (
    <div className="flex items-center gap-2">
      <Button
        variant="outline"
        size="sm"
        aria-label={`Test ${source.name}`}
        disabled={test.isPending}
        onClick={() => test.mutate({ path: { datasource_id: source.id } })}
      >
        {test.isPending ? <LoaderCircleIcon className="animate-spin" /> : <ActivityIcon />}
        Test
      </Button>
      {result && !test.isPending && <TestResultBadge result={result} />}
    </div>
  );
}
