import { TriangleAlertIcon } from "lucide-react";
import { useId } from "react";
import type { ClientWithSecret } from "@/client/types.gen";
import { CopyButton } from "@/components/copy-button";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { Label } from "@/components/ui/label";

type SecretDialogProps = {
  /** The answer of a create or a regenerate, the only one that holds the secret. */
  client: ClientWithSecret | null;
  /** "created" for a new client, "regenerated" for a new secret of an existing one. */
  reason: "created" | "regenerated";
  onClose: () => void;
};

/** The shell command that trades the credentials for a token. */
export function tokenCommand(origin: string, clientId: string, secret: string): string {
  const body = JSON.stringify({ client_id: clientId, client_secret: secret });
  return [
    `curl -X POST ${origin}/token/generate \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d '${body}'`,
  ].join("\n");
}

function Credential({
  label,
  value,
  copyLabel,
}: {
  label: string;
  value: string;
  copyLabel: string;
}) {
  const id = useId();
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      <div className="flex items-center gap-1 rounded-md border bg-muted/40 pr-1">
        <input
          id={id}
          readOnly
          spellCheck={false}
          value={value}
          className="h-9 min-w-0 flex-1 bg-transparent px-3 font-mono text-sm outline-none"
        />
        <CopyButton text={value} label={copyLabel} />
      </div>
    </div>
  );
}

/**
 * The client id and secret, shown this once: copy buttons, a warning, and the command
 * that gets a token with them.
 */
export function SecretDialog({ client, reason, onClose }: SecretDialogProps) {
  const command = client
    ? tokenCommand(window.location.origin, client.client_id, client.client_secret)
    : "";
  return (
    <Dialog open={client !== null} onOpenChange={(open) => !open && onClose()}>
      <DialogContent
        className="max-w-xl"
        onInteractOutside={(event) => event.preventDefault()}
        onEscapeKeyDown={(event) => event.preventDefault()}
      >
        <DialogHeader>
          <DialogTitle>
            {reason === "created" ? "Client created" : "New secret"}: copy the secret now
          </DialogTitle>
          <DialogDescription>
            {client?.name} gets a token from these credentials, then calls its APIs with it.
          </DialogDescription>
        </DialogHeader>
        <Alert className="border-amber-500/40 bg-amber-500/10 text-amber-800 dark:text-amber-200">
          <TriangleAlertIcon />
          <div className="space-y-1">
            <p className="font-medium">This secret is shown only once.</p>
            <p className="text-xs opacity-90">
              Sluice stores a hash of it and cannot show it again. Keep it in a secret store; if it
              is lost, regenerate it.
              {reason === "regenerated" && " Tokens issued with the old secret no longer work."}
            </p>
          </div>
        </Alert>
        {client && (
          <div className="grid gap-4">
            <Credential label="Client ID" value={client.client_id} copyLabel="Copy the client ID" />
            <Credential
              label="Client secret"
              value={client.client_secret}
              copyLabel="Copy the secret"
            />
            <div className="grid gap-1.5">
              <div className="flex items-center justify-between">
                <span className="text-sm font-medium">Get a token</span>
                <CopyButton text={command} label="Copy the command" />
              </div>
              <pre
                data-testid="token-command"
                className="rounded-lg border bg-muted/40 p-3 font-mono text-xs leading-relaxed break-all whitespace-pre-wrap"
              >
                {command}
              </pre>
              <p className="text-xs text-muted-foreground">
                Then call a private API with{" "}
                <code className="font-mono">Authorization: Bearer &lt;access_token&gt;</code>.
              </p>
            </div>
          </div>
        )}
        <DialogFooter>
          <Button onClick={onClose}>I have saved the secret</Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
