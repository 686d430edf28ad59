import { useMutation } from "@tanstack/react-query";
import { LoaderCircleIcon } from "lucide-react";
import { macrosDeleteMacroMutation } from "@/client/@tanstack/react-query.gen";
import type { MacroPublic } from "@/client/types.gen";
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
import { useRefreshMacros } from "./use-refresh-macros";

type DeleteMacroDialogProps = {
  macro: MacroPublic | null;
  onClose: () => void;
  /** Runs once the macro is gone, instead of just closing (e.g. to leave its page). */
  onDeleted?: () => void | Promise<void>;
};

export function DeleteMacroDialog({ macro, onClose, onDeleted }: DeleteMacroDialogProps) {
  const refreshMacros = useRefreshMacros();
  const remove = useMutation({
    ...macrosDeleteMacroMutation(),
    onSuccess: async () => {
      await (onDeleted ?? onClose)();
      await refreshMacros();
    },
  });
  const users = macro?.used_by?.length ?? 0;
  return (
    <AlertDialog
      open={macro !== null}
      onOpenChange={(open) => {
        if (!open) {
          remove.reset();
          onClose();
        }
      }}
    >
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>Delete the macro {macro?.name}?</AlertDialogTitle>
          <AlertDialogDescription>
            {users > 0
              ? `${users} published ${users === 1 ? "API imports" : "APIs import"} it. `
              : ""}
            Its versions are deleted too. This cannot be undone.
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
            onClick={() => macro && remove.mutate({ path: { macro_id: macro.id } })}
          >
            {remove.isPending && <LoaderCircleIcon className="animate-spin" />}
            Delete
          </Button>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
