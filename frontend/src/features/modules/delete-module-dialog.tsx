import { useMutation } from "@tanstack/react-query";
import { LoaderCircleIcon } from "lucide-react";
import { modulesDeleteModuleMutation } from "@/client/@tanstack/react-query.gen";
import type { ModulePublic } from "@/client/types.gen";
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { errorMessage } from "@/lib/api";
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
    <AlertDialog
      open={module !== null}
      onOpenChange={(open) => {
        if (!open) {
          remove.reset();
          onClose();
        }
      }}
    >
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>Delete the module {module?.name}?</AlertDialogTitle>
          <AlertDialogDescription>
            {apiCount > 0
              ? `It still holds ${apiCount} ${apiCount === 1 ? "API" : "APIs"}: delete or move them first.`
              : "Its URL prefix becomes free again. This cannot be undone."}
          </AlertDialogDescription>
        </AlertDialogHeader>
        {remove.isError && (
          <p role="alert" className="text-sm text-destructive">
            {errorMessage(remove.error)}
          </p>
        )}
        <AlertDialogFooter>
          <AlertDialogCancel>Cancel</AlertDialogCancel>
          <Button
            variant="destructive"
            disabled={remove.isPending}
            onClick={() => module && remove.mutate({ path: { module_id: module.id } })}
          >
            {remove.isPending && <LoaderCircleIcon className="animate-spin" />}
            Delete
          </Button>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
