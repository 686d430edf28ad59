import { useMutation } from "@tanstack/react-query";
import { modulesDeleteModuleMutation } from "@/client/@tanstack/react-query.gen";
import type { ModulePublic } from "@/client/types.gen";
import { ConfirmDeleteDialog } from "@/components/confirm-dialog";
import { useRefreshModules } from "./use-refresh-modules";

type DeleteModuleDialogProps = { module: ModulePublic | null; onClose: () => void };

export function DeleteModuleDialog({ module, onClose }: DeleteModuleDialogProps) {
  const refreshModules = useRefreshModules();
  const remove = useMutation({
    ...modulesDeleteModuleMutation(),
    onSuccess: async () => {
      await refreshModules();
      onClose();
    },
  });
  const apiCount = module?.api_count ?? 0;
  return (
    <ConfirmDeleteDialog
      open={module !== null}
      onClose={onClose}
      title={`Delete the module ${module?.name ?? ""}?`}
      description={
        apiCount > 0
          ? `It still holds ${apiCount} ${apiCount === 1 ? "API" : "APIs"}: delete or move them first.`
          : "Its URL prefix becomes free again. This cannot be undone."
      }
      action={remove}
      onConfirm={() => module && remove.mutate({ path: { module_id: module.id } })}
    />
  );
}
