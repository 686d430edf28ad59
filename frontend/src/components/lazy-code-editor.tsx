import { type ComponentProps, lazy, Suspense } from "react";
import { Skeleton } from "@/components/ui/skeleton";
import { cn } from "@/lib/utils";
import type { CodeEditor as EagerCodeEditor } from "./code-editor";

/**
 * CodeMirror is most of the editor page's weight (about 450 kB before compression): it
 * loads in its own chunk after the page has drawn, so the form around it is usable at once.
 */
const Editor = lazy(() =>
  import("./code-editor").then(({ CodeEditor }) => ({ default: CodeEditor })),
);

export function CodeEditor(props: ComponentProps<typeof EagerCodeEditor>) {
  return (
    <Suspense
      fallback={
        <Skeleton
          aria-label={`${props.label} (loading)`}
          className={cn("h-32 w-full", props.className)}
        />
      }
    >
      <Editor {...props} />
    </Suspense>
  );
}
