import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { testsReadTestsOptions, testsReadTestsQueryKey } from "@/client/@tanstack/react-query.gen";
import {
  testsCreateTest,
  testsDeleteTest,
  testsRunApiTests,
  testsUpdateTest,
} from "@/client/sdk.gen";
import type { ApiTestCreate, ApiTestPublic } from "@/client/types.gen";

/** An API holds at most 500 test cases: one page holds them all. */
const ALL = { limit: 1000 };

export function useTests(apiId: number) {
  return useQuery(testsReadTestsOptions({ path: { api_id: apiId }, query: ALL }));
}

function useRefreshTests(apiId: number) {
  const queryClient = useQueryClient();
  return () =>
    queryClient.invalidateQueries({
      queryKey: testsReadTestsQueryKey({ path: { api_id: apiId } }),
    });
}

/** Create a test case, or save one's changes. */
export function useSaveTest(apiId: number, test: ApiTestPublic | undefined) {
  const refresh = useRefreshTests(apiId);
  return useMutation({
    mutationFn: async (body: ApiTestCreate): Promise<ApiTestPublic> => {
      if (test) {
        const path = { api_id: apiId, test_id: test.id };
        return (await testsUpdateTest({ path, body, throwOnError: true })).data;
      }
      return (await testsCreateTest({ path: { api_id: apiId }, body, throwOnError: true })).data;
    },
    onSuccess: refresh,
  });
}

export function useDeleteTest(apiId: number) {
  const refresh = useRefreshTests(apiId);
  return useMutation({
    mutationFn: async (test: ApiTestPublic) => {
      await testsDeleteTest({ path: { api_id: apiId, test_id: test.id }, throwOnError: true });
    },
    onSuccess: refresh,
  });
}

/** Run some test cases (all without ids) on the draft, saving unsaved changes first. */
export function useRunTests(apiId: number, saveFirst: (() => Promise<unknown>) | null) {
  return useMutation({
    mutationFn: async (testIds: number[] | null) => {
      if (saveFirst) await saveFirst();
      const body = { test_ids: testIds };
      return (await testsRunApiTests({ path: { api_id: apiId }, body, throwOnError: true })).data;
    },
  });
}
