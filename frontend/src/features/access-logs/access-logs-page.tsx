import { FilePenLineIcon, ScrollTextIcon } from "lucide-react";
import { PageHeader } from "@/components/page-header";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { can } from "@/lib/permissions";
import { useCurrentUser } from "@/lib/session";
import { AuditTab } from "./audit-tab";
import { CallsTab } from "./calls-tab";
import type { AccessLogsSearch, AccessLogsTab, SearchChange } from "./search";

export type { AccessLogsSearch, AccessLogsTab };

type AccessLogsPageProps = {
  search: AccessLogsSearch;
  onChange: SearchChange;
  /** Switches tab, dropping the other tab's filters. */
  onTabChange: (tab: AccessLogsTab) => void;
};

/** The calls clients made through the gateway, and the changes admins made. */
export function AccessLogsPage({ search, onChange, onTabChange }: AccessLogsPageProps) {
  const tab = search.tab ?? "calls";
  const mayReadApis = can(useCurrentUser(), "api", "read");
  return (
    <div className="space-y-6">
      <PageHeader
        title="Access logs"
        description="Who called which API, when, and how it went; and who changed what."
      />
      <Tabs value={tab} onValueChange={(next) => onTabChange(next as AccessLogsTab)}>
        <TabsList>
          <TabsTrigger value="calls">
            <ScrollTextIcon />
            Calls
          </TabsTrigger>
          <TabsTrigger value="audit">
            <FilePenLineIcon />
            Audit log
          </TabsTrigger>
        </TabsList>
        <TabsContent value="calls" className="mt-6">
          <CallsTab search={search} onChange={onChange} mayReadApis={mayReadApis} />
        </TabsContent>
        <TabsContent value="audit" className="mt-6">
          <AuditTab search={search} onChange={onChange} />
        </TabsContent>
      </Tabs>
    </div>
  );
}
