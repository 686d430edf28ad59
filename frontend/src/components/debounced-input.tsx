import { SearchIcon, XIcon } from "lucide-react";
import { type ComponentProps, useCallback, useEffect, useRef, useState } from "react";
import { Input } from "@/components/ui/input";
import { cn } from "@/lib/utils";

type DebouncedInputProps = Omit<ComponentProps<"input">, "value" | "onChange"> & {
  value: string | undefined;
  onCommit: (value: string | undefined) => void;
};

/** A search box that reports what was typed once typing pauses, with a clear button. */
export function DebouncedInput({ value, onCommit, className, ...props }: DebouncedInputProps) {
  const [text, setText] = useState(value ?? "");
  const commit = useRef(onCommit);
  commit.current = onCommit;
  const committed = useRef(value ?? "");

  useEffect(() => {
    committed.current = value ?? "";
    setText(value ?? "");
  }, [value]);

  // Enter (or the clear button) commits at once; the pending timer then finds the text
  // already committed and does nothing, so it cannot reset what happened since (a page
  // change made right after Enter would otherwise be undone 400 ms later).
  const send = useCallback((value: string) => {
    committed.current = value;
    commit.current(value || undefined);
  }, []);
  useEffect(() => {
    const timer = window.setTimeout(() => {
      if (text.trim() !== committed.current) send(text.trim());
    }, 400);
    return () => window.clearTimeout(timer);
  }, [text, send]);

  return (
    <div className={cn("relative", className)}>
      <SearchIcon className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground" />
      <Input
        {...props}
        className="pr-8 pl-8 font-mono text-[13px]"
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter") send(text.trim());
        }}
      />
      {text && (
        <button
          type="button"
          aria-label="Clear the search"
          className="absolute top-1/2 right-2 -translate-y-1/2 rounded-sm p-0.5 text-muted-foreground hover:text-foreground"
          onClick={() => {
            setText("");
            send("");
          }}
        >
          <XIcon className="size-3.5" />
        </button>
      )}
    </div>
  );
}
