import { ChevronDownIcon } from "lucide-react";
import type { ComponentProps } from "react";
import type { ModulePublic } from "@/client/types.gen";
import { CopyButton } from "@/components/copy-button";
import { METHOD_TEXT_TONES, MethodBadge } from "@/components/method-badge";
import { cn } from "@/lib/utils";
import { endpointPath, METHODS, type Method } from "./api-types";
import type { ApiFormValues } from "./form-values";

type RouteBarProps = {
  values: ApiFormValues;
  set: (change: Partial<ApiFormValues>) => void;
  modules: ModulePublic[] | undefined;
  readOnly: boolean;
  /** The server's complaint about the route: a bad path, or another API at this address. */
  error: string | undefined;
  isPublished: boolean;
};

const segment =
  "h-10 bg-transparent text-sm outline-none disabled:cursor-not-allowed focus-visible:bg-accent/50";

type SegmentSelectProps = ComponentProps<"select"> & { label: string };

/** A borderless select as wide as its value, for the request line. */
function SegmentSelect({ label, className, ...props }: SegmentSelectProps) {
  return (
    <div className="relative flex items-center">
      <select
        aria-label={label}
        className={cn(segment, "field-sizing-content appearance-none pr-7", className)}
        {...props}
      />
      <ChevronDownIcon className="pointer-events-none absolute right-2 size-3.5 text-muted-foreground" />
    </div>
  );
}

/** Method, module and path as one request line, and the URL clients call with a copy button. */
export function RouteBar({ values, set, modules, readOnly, error, isPublished }: RouteBarProps) {
  const moduleName = modules?.find((module) => String(module.id) === values.moduleId)?.name;
  const path = endpointPath(moduleName, values.path);
  const url = `${window.location.origin}${path}`;
  return (
    <div className="space-y-2">
      <div
        className={cn(
          "flex min-w-0 items-stretch overflow-hidden rounded-lg border border-input bg-card shadow-xs focus-within:border-ring focus-within:ring-[3px] focus-within:ring-ring/40 dark:bg-input/20",
          error && "border-destructive",
        )}
      >
        <SegmentSelect
          label="Method"
          disabled={readOnly}
          className={cn("pl-3 font-mono font-semibold", METHOD_TEXT_TONES[values.method])}
          value={values.method}
          onChange={(event) => set({ method: event.target.value as Method })}
        >
          {METHODS.map((method) => (
            <option key={method} value={method} className="bg-popover text-popover-foreground">
              {method}
            </option>
          ))}
        </SegmentSelect>
        <span className="flex items-center border-l pl-3 font-mono text-muted-foreground">/</span>
        <SegmentSelect
          label="Module"
          required
          disabled={readOnly}
          className="max-w-56 pl-1 font-mono font-medium text-primary"
          value={values.moduleId}
          onChange={(event) => set({ moduleId: event.target.value })}
        >
          <option value="" disabled className="bg-popover text-popover-foreground">
            module
          </option>
          {modules?.map((module) => (
            <option
              key={module.id}
              value={module.id}
              className="bg-popover text-popover-foreground"
            >
              {module.name}
            </option>
          ))}
        </SegmentSelect>
        <span className="flex items-center font-mono text-muted-foreground">/</span>
        <input
          aria-label="Path"
          required
          disabled={readOnly}
          autoComplete="off"
          spellCheck={false}
          placeholder="orders/{id}"
          aria-invalid={error ? true : undefined}
          className={cn(segment, "min-w-0 flex-1 px-1 font-mono placeholder:text-muted-foreground")}
          value={values.path}
          onChange={(event) => set({ path: event.target.value })}
        />
      </div>
      {error && (
        <p role="alert" className="text-xs text-destructive">
          {error}
        </p>
      )}
      <div className="flex min-w-0 flex-wrap items-center gap-x-2 gap-y-1 text-xs text-muted-foreground">
        <span>{isPublished ? "Clients call" : "Once published, clients call"}</span>
        <MethodBadge method={values.method} className="w-auto px-1.5 py-0" />
        <code className="min-w-0 truncate font-mono text-foreground" data-testid="endpoint-url">
          {url}
        </code>
        <CopyButton text={url} label="Copy the URL" className="size-6" />
      </div>
    </div>
  );
}
