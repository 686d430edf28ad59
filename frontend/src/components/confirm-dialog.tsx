import { LoaderCircleIcon } from "lucide-react";
import type { ReactNode } from "react";
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

/** The part of a mutation the dialog shows and resets. */
type ConfirmAction = { isPending: boolean; isError: boolean; error: unknown; reset: () => void };

type ConfirmDialogProps = {
  open: boolean;
  /** Runs when the user dismisses the dialog; the action's error is cleared first. */
  onClose: () => void;
  title: ReactNode;
  description: ReactNode;
  /** What the confirm button says, e.g. "Restore". */
  confirmLabel: string;
  /** Shown before the label while the action is not pending. */
  confirmIcon?: ReactNode;
  destructive?: boolean;
  /** Disabled for another reason than a pending action, e.g. a missing reason. */
  confirmDisabled?: boolean;
  action: ConfirmAction;
  onConfirm: () => void;
  /** Shown under the error, e.g. details of a refusal and a field to answer it. */
  children?: ReactNode;
};

/** Asks before an action runs, shows it pending and why it failed, if it did. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const { action } = props;
  return (
    <AlertDialog
      open={props.open}
      onOpenChange={(open) => {
        if (!open) {
          action.reset();
          props.onClose();
        }
      }}
    >
      <AlertDialogContent
        className={
          props.children ? "max-h-[calc(100vh-2rem)] max-w-2xl overflow-y-auto" : undefined
        }
      >
        <AlertDialogHeader>
          <AlertDialogTitle>{props.title}</AlertDialogTitle>
          <AlertDialogDescription>{props.description}</AlertDialogDescription>
        </AlertDialogHeader>
        {action.isError && (
          <p role="alert" className="text-sm text-destructive">
            {errorMessage(action.error)}
          </p>
        )}
        {props.children}
        <AlertDialogFooter>
          <AlertDialogCancel>Cancel</AlertDialogCancel>
          <Button
            variant={props.destructive ? "destructive" : "default"}
            disabled={action.isPending || props.confirmDisabled}
            onClick={props.onConfirm}
          >
            {action.isPending ? <LoaderCircleIcon className="animate-spin" /> : props.confirmIcon}
            {props.confirmLabel}
          </Button>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}

type ConfirmDeleteDialogProps = Omit<
  ConfirmDialogProps,
  "confirmLabel" | "confirmIcon" | "destructive"
>;

/** Asks before deleting something: a destructive "Delete" button. */
export function ConfirmDeleteDialog(props: ConfirmDeleteDialogProps) {
  return <ConfirmDialog {...props} confirmLabel="Delete" destructive />;
}
