import { useBlocker } from "@tanstack/react-router";
import { type RefObject, useRef } from "react";
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

type UnsavedChangesGuardProps = {
  /** The editor holds changes that are not saved. */
  when: boolean;
  /** Set to true just before a navigation the editor makes itself after saving (a new
   * object's page), which the render that would clear `when` has not reached yet. */
  leaving?: RefObject<boolean>;
};

/**
 * Asks before leaving an editor with unsaved changes: in-app navigation gets a dialog
 * (TanStack Router's blocker), closing or reloading the tab the browser's own prompt
 * (`beforeunload`). A change of the search only (another tab of the same editor) passes.
 */
export function UnsavedChangesGuard({ when, leaving }: UnsavedChangesGuardProps) {
  const latest = useRef(when);
  latest.current = when;
  const blocker = useBlocker({
    shouldBlockFn: ({ current, next }) =>
      latest.current && !leaving?.current && current.pathname !== next.pathname,
    enableBeforeUnload: () => latest.current && !leaving?.current,
    withResolver: true,
  });
  return (
    <AlertDialog
      open={blocker.status === "blocked"}
      onOpenChange={(open) => open || blocker.reset?.()}
    >
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>Leave without saving?</AlertDialogTitle>
          <AlertDialogDescription>
            Your changes are not saved. If you leave this page now, they are lost.
          </AlertDialogDescription>
        </AlertDialogHeader>
        <AlertDialogFooter>
          <AlertDialogCancel>Stay on this page</AlertDialogCancel>
          <Button variant="destructive" onClick={() => blocker.proceed?.()}>
            Leave and discard changes
          </Button>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
