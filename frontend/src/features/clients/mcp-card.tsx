import { BotIcon } from "lucide-react";
import { useId } from "react";
import { CopyButton } from "@/components/copy-button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Label } from "@/components/ui/label";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";

const TOKEN = "<access_token>";
// biome-ignore lint/suspicious/noTemplateCurlyInString: mcp-remote expands it from `env`
const AUTH_HEADER = "Authorization:${SLUICE_AUTH}";

/**
 * Configuration for an MCP client that speaks streamable HTTP itself (Claude Code's
 * `.mcp.json`, Cursor's `mcp.json` and the like): the URL and the client's token.
 */
export function mcpJson(url: string): string {
  const server = { type: "http", url, headers: { Authorization: `Bearer ${TOKEN}` } };
  return JSON.stringify({ mcpServers: { sluice: server } }, null, 2);
}

/**
 * Claude Desktop's `claude_desktop_config.json`: it starts local servers only, so the
 * `mcp-remote` bridge carries the calls to /mcp with the header (its value goes through
 * an environment variable: a space inside an argument breaks on some systems).
 */
export function claudeDesktopJson(url: string): string {
  const { protocol, hostname } = new URL(url);
  const local = ["localhost", "127.0.0.1", "[::1]"].includes(hostname);
  // mcp-remote refuses plain HTTP to anything but this machine unless told
  const allowHttp = protocol === "http:" && !local ? ["--allow-http"] : [];
  const server = {
    command: "npx",
    args: ["mcp-remote", url, ...allowHttp, "--header", AUTH_HEADER],
    env: { SLUICE_AUTH: `Bearer ${TOKEN}` },
  };
  return JSON.stringify({ mcpServers: { sluice: server } }, null, 2);
}

function Snippet({ text, label, testId }: { text: string; label: string; testId: string }) {
  return (
    <div className="relative min-w-0">
      <pre
        data-testid={testId}
        className="overflow-auto rounded-lg border bg-muted/40 p-3 pr-10 font-mono text-xs leading-relaxed"
      >
        {text}
      </pre>
      <CopyButton text={text} label={label} className="absolute top-1.5 right-1.5 size-7" />
    </div>
  );
}

/**
 * Where AI agents reach the APIs a client is granted: the /mcp URL and ready
 * configurations for common MCP clients, each with a copy button.
 */
export function McpCard({ origin }: { origin: string }) {
  const url = `${origin}/mcp`;
  const id = useId();
  return (
    <Card role="region" aria-labelledby={`${id}-title`}>
      <CardHeader>
        <CardTitle id={`${id}-title`} className="flex items-center gap-2">
          <BotIcon className="size-4" />
          AI agents (MCP)
        </CardTitle>
        <CardDescription>
          An MCP client signed in with a client's token sees that client's granted APIs as tools.
          Calls go through the same checks, limits and access records as HTTP calls. Get the token
          with the client's credentials (<code className="font-mono">POST /token/generate</code>)
          and put it in place of <code className="font-mono">{TOKEN}</code>.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid grid-cols-1 gap-4">
        <div className="grid gap-1.5">
          <Label htmlFor={`${id}-url`}>MCP URL</Label>
          <div className="flex items-center gap-1 rounded-md border bg-muted/40 pr-1">
            <input
              id={`${id}-url`}
              readOnly
              spellCheck={false}
              value={url}
              className="h-9 min-w-0 flex-1 bg-transparent px-3 font-mono text-sm outline-none"
            />
            <CopyButton text={url} label="Copy the MCP URL" />
          </div>
        </div>
        <Tabs defaultValue="json">
          <TabsList aria-label="MCP client">
            <TabsTrigger value="json">mcp.json</TabsTrigger>
            <TabsTrigger value="claude">Claude Desktop</TabsTrigger>
          </TabsList>
          <TabsContent value="json" className="mt-3 grid grid-cols-1 gap-1.5">
            <p className="text-xs text-muted-foreground">
              For clients that speak streamable HTTP (Claude Code, Cursor, VS Code and others):
            </p>
            <Snippet text={mcpJson(url)} label="Copy the mcp.json snippet" testId="mcp-json" />
          </TabsContent>
          <TabsContent value="claude" className="mt-3 grid grid-cols-1 gap-1.5">
            <p className="text-xs text-muted-foreground">
              In <code className="font-mono">claude_desktop_config.json</code>, through the{" "}
              <code className="font-mono">mcp-remote</code> bridge (needs Node.js):
            </p>
            <Snippet
              text={claudeDesktopJson(url)}
              label="Copy the Claude Desktop snippet"
              testId="mcp-claude-desktop"
            />
          </TabsContent>
        </Tabs>
      </CardContent>
    </Card>
  );
}
