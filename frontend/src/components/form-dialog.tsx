import { LoaderCircleIcon } from "lucide-react";
import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";

type FormDialogProps = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: ReactNode;
  description: ReactNode;
  /** For the content box, e.g. a wider max-w-2xl. */
  className?: string;
  /** The form; it ends with a FormDialogFooter. */
  children: ReactNode;
};

/** A dialog with a title and a description above a form that creates or edits something. */
export function FormDialog(props: FormDialogProps) {
  return (
    <Dialog open={props.open} onOpenChange={props.onOpenChange}>
      <DialogContent className={props.className}>
        <DialogHeader>
          <DialogTitle>{props.title}</DialogTitle>
          <DialogDescription>{props.description}</DialogDescription>
        </DialogHeader>
        {props.children}
      </DialogContent>
    </Dialog>
  );
}

type FormDialogFooterProps = {
  /** What the button that closes the dialog says; "Cancel" unless told. */
  closeLabel?: string;
  /** The submit button, if the form can be submitted. */
  children?: ReactNode;
};

/** A form dialog's buttons: one that closes it, then the form's own. */
export function FormDialogFooter({ closeLabel = "Cancel", children }: FormDialogFooterProps) {
  return (
    <DialogFooter className="pt-2">
      <DialogClose asChild>
        <Button type="button" variant="outline">
          {closeLabel}
        </Button>
      </DialogClose>
      {children}
    </DialogFooter>
  );
}

type SubmitButtonProps = {
  pending: boolean;
  /** Disabled for another reason than a pending submit, e.g. a value known to be wrong. */
  disabled?: boolean;
  children: ReactNode;
};

/** A form's submit button: disabled and spinning while the submit is pending. */
export function SubmitButton({ pending, disabled = false, children }: SubmitButtonProps) {
  return (
    <Button type="submit" disabled={pending || disabled}>
      {pending && <LoaderCircleIcon className="animate-spin" />}
      {children}
    </Button>
  );
}
