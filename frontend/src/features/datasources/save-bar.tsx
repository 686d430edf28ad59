import { Link } from "@tanstack/react-router";
import { AlertCircleIcon, CheckCircle2Icon, LoaderCircleIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { errorMessage } from "@/lib/api";

type SaveBarProps = {
  isNew: boolean;
  pending: boolean;
  /** Why the last save failed, if it did. */
  error: unknown;
  saved: boolean;
};

/** Cancel and save, kept in view at the bottom, with the outcome of the last save. */
export function SaveBar({ isNew, pending, error, saved }: SaveBarProps) {
  return (
    <div className="sticky bottom-0 z-10 -mx-1 flex flex-wrap items-center gap-3 border-t bg-background/85 px-1 py-4 backdrop-blur">
      <div className="min-w-0 flex-1 text-sm">
        {error !== null && (
          <p role="alert" className="flex items-start gap-2 text-destructive">
            <AlertCircleIcon className="mt-0.5 size-4 shrink-0" />
            <span>{errorMessage(error)}</span>
          </p>
        )}
        {saved && (
          <p role="status" className="flex items-center gap-2 text-success">
            <CheckCircle2Icon className="size-4 shrink-0" />
            Your changes are saved.
          </p>
        )}
      </div>
      <Button type="button" variant="outline" asChild>
        <Link to="/datasources">Cancel</Link>
      </Button>
      <Button type="submit" disabled={pending}>
        {pending && <LoaderCircleIcon className="animate-spin" />}
        {isNew ? "Create data source" : "Save changes"}
      </Button>
    </div>
  );
}
