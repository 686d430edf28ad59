import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apisReadApiQueryKey } from "@/client/@tanstack/react-query.gen";
import {
  apisCreateApi,
  apisDebugApi,
  apisPublishApi,
  apisUnpublishApi,
  apisUpdateApi,
} from "@/client/sdk.gen";
import type { ApiPublic, DebugDraft, PublishRequest } from "@/client/types.gen";
import { type ApiFormValues, toCreateBody, toUpdateBody } from "./form-values";
import { useRefreshApis } from "./use-refresh-apis";

/** Create the API or save its draft; the detail cache gets the answer at once. */
export function useSaveApi(api: ApiPublic | undefined) {
  const queryClient = useQueryClient();
  const refreshApis = useRefreshApis();
  return useMutation({
    mutationFn: async (values: ApiFormValues): Promise<ApiPublic> => {
      if (api) {
        const path = { api_id: api.id };
        return (await apisUpdateApi({ path, body: toUpdateBody(values, api), throwOnError: true }))
          .data;
      }
      return (await apisCreateApi({ body: toCreateBody(values), throwOnError: true })).data;
    },
    onSuccess: async (saved) => {
      queryClient.setQueryData(apisReadApiQueryKey({ path: { api_id: saved.id } }), saved);
      await refreshApis();
    },
  });
}

type SaveFirst = () => Promise<unknown>;

/** One debug run: the params, and the editor's draft to run in place of the stored one. */
export type DebugRun = { params: Record<string, unknown>; draft?: DebugDraft };

/** Run what the editor holds with these params; nothing is saved. */
export function useDebugApi(apiId: number | undefined) {
  return useMutation({
    mutationFn: async ({ params, draft }: DebugRun) => {
      if (apiId === undefined) throw new Error("Create the API before debugging it.");
      const path = { api_id: apiId };
      return (await apisDebugApi({ path, body: { params, draft }, throwOnError: true })).data;
    },
  });
}

/**
 * Publish the draft as a new version, saving unsaved changes first; `force` with a
 * `reason` goes past the module's failing tests.
 */
export function usePublishApi(apiId: number, saveFirst: SaveFirst | null) {
  const refreshApis = useRefreshApis();
  return useMutation({
    mutationFn: async (body: PublishRequest) => {
      if (saveFirst) await saveFirst();
      const path = { api_id: apiId };
      return (await apisPublishApi({ path, body, throwOnError: true })).data;
    },
    onSuccess: () => refreshApis(apiId),
  });
}

export function useUnpublishApi(apiId: number) {
  const refreshApis = useRefreshApis();
  return useMutation({
    mutationFn: async () =>
      (await apisUnpublishApi({ path: { api_id: apiId }, throwOnError: true })).data,
    onSuccess: () => refreshApis(apiId),
  });
}
