import { ConstructionIcon } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";

/** The page of a dashboard section that is not built yet. */
export function ComingSoon({ title, description }: { title: string; description: string }) {
  return (
    <div className="space-y-6">
      <PageHeader title={title} description={description} />
      <EmptyState icon={ConstructionIcon} title="Coming soon">
        This part of the dashboard is on its way. Until then, the admin API under{" "}
        <code className="rounded bg-muted px-1 py-0.5 font-mono text-xs">/api/v1</code> does the
        job.
      </EmptyState>
    </div>
  );
}
