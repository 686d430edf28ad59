import { useQuery } from "@tanstack/react-query";
import { modulesReadModulesOptions } from "@/client/@tanstack/react-query.gen";
import type { ModulePublic } from "@/client/types.gen";
import { can } from "@/lib/permissions";
import { useCurrentUser } from "@/lib/session";

/** Every module, for the scope select and the list's scope column. */
export function useModules(): ModulePublic[] | undefined {
  const mayRead = can(useCurrentUser(), "module", "read");
  return useQuery({ ...modulesReadModulesOptions({ query: { limit: 1000 } }), enabled: mayRead })
    .data?.data;
}
