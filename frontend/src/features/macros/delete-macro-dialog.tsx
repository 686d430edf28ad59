import { useMutation } from "@tanstack/react-query";
import { macrosDeleteMacroMutation } from "@/client/@tanstack/react-query.gen";
import type { MacroPublic } from "@/client/types.gen";
import { ConfirmDeleteDialog } from "@/components/confirm-dialog";
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
    <ConfirmDeleteDialog
      open={macro !== null}
      onClose={onClose}
      title={`Delete the macro ${macro?.name ?? ""}?`}
      description={
        <>
          {users > 0
            ? `${users} published ${users === 1 ? "API imports" : "APIs import"} it. `
            : ""}
          Its versions are deleted too. This cannot be undone.
        </>
      }
      action={remove}
      onConfirm={() => macro && remove.mutate({ path: { macro_id: macro.id } })}
    />
  );
}
