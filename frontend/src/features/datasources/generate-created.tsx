import { Link } from "@tanstack/react-router";
import { ArrowRightIcon, CircleCheckIcon } from "lucide-react";
import type { GenerateResult } from "@/client/types.gen";
import { MethodBadge } from "@/components/method-badge";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { GenerateMessages } from "./generated-apis";

/** The APIs just saved, each a link to its editor, where it is debugged and published. */
export function GenerateCreated({ result }: { result: GenerateResult }) {
  const count = result.apis.length;
  return (
    <div className="space-y-4">
      <Alert variant="success">
        <CircleCheckIcon />
        <p>
          Created {count} draft {count === 1 ? "API" : "APIs"} in module{" "}
          <span className="font-semibold">{result.module_name}</span>. Open one to read, debug and
          publish it: clients can call it once it is published.
        </p>
      </Alert>
      <GenerateMessages messages={result.messages ?? []} />
      <ul aria-label="Created APIs" className="divide-y rounded-lg border">
        {result.apis.map((api) =>
          api.id ? (
            <li key={api.id}>
              <Link
                to="/apis/$id"
                params={{ id: api.id }}
                className="flex items-center gap-3 px-4 py-2.5 text-sm transition-colors hover:bg-accent/50"
              >
                <MethodBadge method={api.method} />
                <code className="font-mono font-medium">{api.url}</code>
                <span className="min-w-0 flex-1 truncate text-muted-foreground">{api.name}</span>
                <ArrowRightIcon className="size-4 text-muted-foreground" />
              </Link>
            </li>
          ) : null,
        )}
      </ul>
      {result.module_id !== null && (
        <Button asChild variant="outline" size="sm">
          <Link to="/apis" search={{ module: result.module_id }}>
            All APIs of {result.module_name}
          </Link>
        </Button>
      )}
    </div>
  );
}
