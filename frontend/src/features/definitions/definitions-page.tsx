import { PageHeader } from "@/components/page-header";
import { useCurrentUser } from "@/lib/session";
import { ExportCard } from "./export-card";
import { ImportCard } from "./import-card";
import { missingToExport, missingToImport } from "./permissions";

/** Definitions as code: the export to YAML and the import of such a file. */
export function DefinitionsPage() {
  const me = useCurrentUser();
  return (
    <div className="space-y-6">
      <PageHeader
        title="Definitions"
        description="Everything that makes your APIs, as one YAML file: keep it in git, review a change as a diff, carry it from staging to production."
      />
      <div className="grid items-start gap-6 lg:grid-cols-2">
        <ExportCard missing={missingToExport(me)} />
        <ImportCard missing={missingToImport(me)} />
      </div>
    </div>
  );
}
