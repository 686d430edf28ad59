import { useQuery } from "@tanstack/react-query";
import {
  datasourcesReadDatasourcesOptions,
  modulesReadModulesOptions,
} from "@/client/@tanstack/react-query.gen";
import type { DatasourcePublic, ModulePublic } from "@/client/types.gen";
import { can } from "@/lib/permissions";
import { useCurrentUser } from "@/lib/session";

/** Every module, for selects and for the module part of an API's URL. */
export function useModules(): ModulePublic[] | undefined {
  const mayRead = can(useCurrentUser(), "module", "read");
  return useQuery({ ...modulesReadModulesOptions({ query: { limit: 1000 } }), enabled: mayRead })
    .data?.data;
}

/** Every data source, for the editor's select. */
export function useDatasources(): DatasourcePublic[] | undefined {
  const mayRead = can(useCurrentUser(), "datasource", "read");
  return useQuery({
    ...datasourcesReadDatasourcesOptions({ query: { limit: 1000 } }),
    enabled: mayRead,
  }).data?.data;
}
