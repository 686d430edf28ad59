import { useQueryClient } from "@tanstack/react-query";
import {
  alertsReadAlertsQueryKey,
  alertsReadFiringsQueryKey,
} from "@/client/@tanstack/react-query.gen";

/** Refetch the rules and their firings. */
export function useRefreshAlerts(): () => Promise<void> {
  const queryClient = useQueryClient();
  return async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: alertsReadAlertsQueryKey() }),
      queryClient.invalidateQueries({ queryKey: alertsReadFiringsQueryKey() }),
    ]);
  };
}
