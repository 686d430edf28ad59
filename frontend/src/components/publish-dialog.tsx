import { LoaderCircleIcon, RocketIcon } from "lucide-react";
import { type FormEvent, type ReactNode, useId, useState } from "react";
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
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { errorMessage } from "@/lib/api";

type PublishDialogProps = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description: ReactNode;
  pending: boolean;
  /** Why the last attempt failed, if it did. */
  error: unknown;
  onPublish: (message: string | null) => void;
  /** Shown under the error, e.g. what refused the publish and a reason to force it. */
  children?: ReactNode;
  /** The submit button's text; "Publish" unless told. */
  submitLabel?: string;
  /** Disabled for another reason than a pending publish, e.g. a missing reason. */
  submitDisabled?: boolean;
};

/** Asks for a message that says what changed, then publishes a new version. */
export function PublishDialog(props: PublishDialogProps) {
  const [message, setMessage] = useState("");
  const id = useId();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    props.onPublish(message.trim() || null);
  }

  return (
    <Dialog
      open={props.open}
      onOpenChange={(open) => {
        if (!open) setMessage("");
        props.onOpenChange(open);
      }}
    >
      <DialogContent className={props.children ? "max-w-2xl" : undefined}>
        <DialogHeader>
          <DialogTitle>{props.title}</DialogTitle>
          <DialogDescription>{props.description}</DialogDescription>
        </DialogHeader>
        <form className="grid gap-4" onSubmit={submit}>
          <div className="grid gap-2">
            <Label htmlFor={id}>Message</Label>
            <Textarea
              id={id}
              rows={3}
              maxLength={1000}
              placeholder="What changed, for whoever reads the history"
              value={message}
              onChange={(event) => setMessage(event.target.value)}
            />
          </div>
          {props.error !== null && props.error !== undefined && (
            <p role="alert" className="text-sm text-destructive">
              {errorMessage(props.error)}
            </p>
          )}
          {props.children}
          <DialogFooter>
            <DialogClose asChild>
              <Button type="button" variant="outline">
                Cancel
              </Button>
            </DialogClose>
            <Button type="submit" disabled={props.pending || props.submitDisabled}>
              {props.pending ? <LoaderCircleIcon className="animate-spin" /> : <RocketIcon />}
              {props.submitLabel ?? "Publish"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
