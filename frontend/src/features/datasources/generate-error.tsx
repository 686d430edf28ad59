import { AlertCircleIcon } from "lucide-react";
import { Alert } from "@/components/ui/alert";
import { ApiError, errorMessage } from "@/lib/api";

/** What a refusal means for the user, by status; the server's message says the rest. */
const TITLES: Record<number, string> = {
  404: "The table or schema is gone",
  409: "A route or module name is already taken",
  422: "The server refused these choices",
};

/** Why the generator refused, with a title saying what kind of problem it is. */
export function GenerateError({ error }: { error: unknown }) {
  const title = error instanceof ApiError ? TITLES[error.status] : undefined;
  return (
    <Alert variant="destructive">
      <AlertCircleIcon />
      <div className="grid gap-0.5">
        <p className="font-medium">{title ?? "Generating failed"}</p>
        <p>{errorMessage(error)}</p>
      </div>
    </Alert>
  );
}
