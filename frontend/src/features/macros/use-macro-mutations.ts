import { useMutation, useQueryClient } from "@tanstack/react-query";
import { macrosReadMacroQueryKey } from "@/client/@tanstack/react-query.gen";
import { macrosCreateMacro, macrosPublishMacro, macrosUpdateMacro } from "@/client/sdk.gen";
import type { MacroPublic } from "@/client/types.gen";
import { type MacroFormValues, toBody } from "./form-values";
import { useRefreshMacros } from "./use-refresh-macros";

/** Create the macro or save its draft; the detail cache gets the answer at once. */
export function useSaveMacro(macro: MacroPublic | undefined) {
  const queryClient = useQueryClient();
  const refreshMacros = useRefreshMacros();
  return useMutation({
    mutationFn: async (values: MacroFormValues): Promise<MacroPublic> => {
      const body = toBody(values);
      if (macro) {
        const path = { macro_id: macro.id };
        return (await macrosUpdateMacro({ path, body, throwOnError: true })).data;
      }
      return (await macrosCreateMacro({ body, throwOnError: true })).data;
    },
    onSuccess: async (saved) => {
      queryClient.setQueryData(macrosReadMacroQueryKey({ path: { macro_id: saved.id } }), saved);
      await refreshMacros();
    },
  });
}

/** Publish the draft as a new version, saving unsaved changes first. */
export function usePublishMacro(macroId: number, saveFirst: (() => Promise<unknown>) | null) {
  const refreshMacros = useRefreshMacros();
  return useMutation({
    mutationFn: async (message: string | null) => {
      if (saveFirst) await saveFirst();
      const path = { macro_id: macroId };
      return (await macrosPublishMacro({ path, body: { message }, throwOnError: true })).data;
    },
    onSuccess: () => refreshMacros(macroId),
  });
}
