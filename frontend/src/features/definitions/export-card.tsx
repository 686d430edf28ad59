import { useMutation, useQuery } from "@tanstack/react-query";
import { DownloadIcon, FileDownIcon, LoaderCircleIcon } from "lucide-react";
import { useId, useState } from "react";
import { modulesReadModulesOptions } from "@/client/@tanstack/react-query.gen";
import { exchangeExportYaml } from "@/client/sdk.gen";
import { ErrorAlert } from "@/components/error-alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { Label } from "@/components/ui/label";
import { downloadText } from "@/lib/download";

/** The file's name: `sluice.yaml`, or `sluice-shop.yaml` for the one module shop. */
function fileName(modules: string[]): string {
  return modules.length === 1 ? `sluice-${modules[0]}.yaml` : "sluice.yaml";
}

function ModuleChoice(props: {
  names: string[];
  chosen: string[];
  onChange: (chosen: string[]) => void;
}) {
  const id = useId();
  const toggle = (name: string, on: boolean) =>
    props.onChange(on ? [...props.chosen, name] : props.chosen.filter((n) => n !== name));
  if (props.names.length === 0) {
    return <p className="text-sm text-muted-foreground">No modules yet.</p>;
  }
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium">Modules</legend>
      <p className="text-xs text-muted-foreground">
        None chosen: everything. Some chosen: those modules, with the data sources and shared macros
        they use.
      </p>
      <ul className="grid max-h-56 gap-1.5 overflow-y-auto rounded-lg border p-3 sm:grid-cols-2">
        {props.names.map((name) => (
          <li key={name} className="flex items-center gap-2">
            <Checkbox
              id={`${id}-${name}`}
              checked={props.chosen.includes(name)}
              onCheckedChange={(state) => toggle(name, state === true)}
            />
            <Label htmlFor={`${id}-${name}`} className="font-mono font-normal">
              /{name}
            </Label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}

/** Download the definitions as YAML: everything, or some modules and what they use. */
export function ExportCard({ missing }: { missing: string[] }) {
  const modules = useQuery(modulesReadModulesOptions({ query: { limit: 1000 } }));
  const [chosen, setChosen] = useState<string[]>([]);
  const names = (modules.data?.data ?? []).map((module) => module.name).sort();
  const download = useMutation({
    mutationFn: async (only: string[]) => {
      const query = { module: only.length > 0 ? only : null };
      const answer = await exchangeExportYaml({ query, parseAs: "text", throwOnError: true });
      downloadText(String(answer.data), fileName(only), "application/yaml");
    },
  });
  const allowed = missing.length === 0;
  return (
    <Card role="region" aria-label="Export">
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <FileDownIcon className="size-4 text-primary" />
          Export
        </CardTitle>
        <CardDescription>
          Data sources, modules, APIs (draft, live version and test cases), macros, groups, clients
          and their grants, as one YAML file. Passwords and client secrets are never in it.
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-4">
        {!allowed && (
          <p className="text-sm text-muted-foreground">
            Exporting needs read on everything the file holds; you lack {missing.join(", ")}.
          </p>
        )}
        {allowed && <ModuleChoice names={names} chosen={chosen} onChange={setChosen} />}
        {download.isError && <ErrorAlert error={download.error} />}
        <Button
          type="button"
          disabled={!allowed || download.isPending}
          onClick={() => download.mutate(chosen)}
        >
          {download.isPending ? <LoaderCircleIcon className="animate-spin" /> : <DownloadIcon />}
          Download {fileName(chosen)}
        </Button>
      </CardContent>
    </Card>
  );
}
