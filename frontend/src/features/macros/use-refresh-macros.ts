import { useQueryClient } from "@tanstack/react-query";
import {
  macrosReadMacroQueryKey,
  macrosReadMacrosQueryKey,
  macrosReadMacroVersionsQueryKey,
} from "@/client/@tanstack/react-query.gen";

/** Refetch the macro lists; with an id, also that macro and its versions. */
export function useRefreshMacros(): (id?: number) => Promise<void> {
  const queryClient = useQueryClient();
  return async (id) => {
    const refetches = [queryClient.invalidateQueries({ queryKey: macrosReadMacrosQueryKey() })];
    if (id !== undefined) {
      const path = { macro_id: id };
      refetches.push(
        queryClient.invalidateQueries({ queryKey: macrosReadMacroQueryKey({ path }) }),
        queryClient.invalidateQueries({ queryKey: macrosReadMacroVersionsQueryKey({ path }) }),
      );
    }
    await Promise.all(refetches);
  };
}
