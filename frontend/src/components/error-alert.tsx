import { AlertCircleIcon } from "lucide-react";
import { Alert } from "@/components/ui/alert";
import { errorMessage } from "@/lib/api";

/** Says why something failed, in a red alert box. */
export function ErrorAlert({ error }: { error: unknown }) {
  return (
    <Alert variant="destructive">
      <AlertCircleIcon />
      <span>{errorMessage(error)}</span>
    </Alert>
  );
}
