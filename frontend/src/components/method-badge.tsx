import type { ApiPublic } from "@/client/types.gen";
import { cn } from "@/lib/utils";

export type Method = NonNullable<ApiPublic["method"]>;

const tones: Record<Method, string> = {
  GET: "bg-emerald-500/12 text-emerald-700 dark:text-emerald-300",
  POST: "bg-sky-500/12 text-sky-700 dark:text-sky-300",
  PUT: "bg-amber-500/14 text-amber-700 dark:text-amber-300",
  PATCH: "bg-violet-500/12 text-violet-700 dark:text-violet-300",
  DELETE: "bg-red-500/12 text-red-700 dark:text-red-300",
};

/** The method's colour alone, for text. */
export const METHOD_TEXT_TONES: Record<Method, string> = {
  GET: "text-emerald-700 dark:text-emerald-300",
  POST: "text-sky-700 dark:text-sky-300",
  PUT: "text-amber-700 dark:text-amber-300",
  PATCH: "text-violet-700 dark:text-violet-300",
  DELETE: "text-red-700 dark:text-red-300",
};

function isMethod(method: string): method is Method {
  return Object.hasOwn(tones, method);
}

/**
 * The HTTP method in a colour of its own, in a fixed width so that paths line up. Any
 * other method (an access record of a HEAD call) is grey.
 */
export function MethodBadge({ method, className }: { method: string; className?: string }) {
  return (
    <span
      className={cn(
        "inline-flex w-16 shrink-0 items-center justify-center rounded-md px-1.5 py-0.5 font-mono text-[11px] font-semibold tracking-wide",
        isMethod(method) ? tones[method] : "bg-muted text-muted-foreground",
        className,
      )}
    >
      {method}
    </span>
  );
}
