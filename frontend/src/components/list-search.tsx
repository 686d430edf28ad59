import { SearchXIcon } from "lucide-react";
import { type ReactNode, useId } from "react";
import { DebouncedInput } from "@/components/debounced-input";
import { EmptyState } from "@/components/empty-state";
import { Button } from "@/components/ui/button";
import { NativeSelect } from "@/components/ui/native-select";

type ListSearchProps = {
  /** What the list holds, plural: "APIs", "clients". */
  noun: string;
  value: string | undefined;
  onChange: (q: string | undefined) => void;
  /** The list's filters, shown beside the box. */
  children?: ReactNode;
};

/**
 * A list's search box and filters. The text is sent to the server once typing pauses (the
 * server searches and pages, so a search covers every row, not just the page shown).
 */
export function ListSearch({ noun, value, onChange, children }: ListSearchProps) {
  return (
    <div className="flex flex-wrap items-center gap-3">
      <DebouncedInput
        aria-label={`Search ${noun}`}
        placeholder={`Search ${noun}`}
        autoComplete="off"
        spellCheck={false}
        maxLength={200}
        className="min-w-56 flex-1 sm:max-w-xs"
        value={value}
        onCommit={onChange}
      />
      {children}
    </div>
  );
}

type FilterSelectProps = {
  label: string;
  /** Shown for "no filter". */
  anyLabel: string;
  value: string | undefined;
  options: readonly (readonly [value: string, label: string])[];
  onChange: (value: string | undefined) => void;
};

/** One filter of a list: a labelled select whose first option is "any". */
export function FilterSelect({ label, anyLabel, value, options, onChange }: FilterSelectProps) {
  const id = useId();
  return (
    <div className="flex items-center gap-2">
      <label htmlFor={id} className="text-sm text-muted-foreground">
        {label}
      </label>
      <NativeSelect
        id={id}
        className="w-40"
        value={value ?? ""}
        onChange={(event) => onChange(event.target.value || undefined)}
      >
        <option value="">{anyLabel}</option>
        {options.map(([option, text]) => (
          <option key={option} value={option}>
            {text}
          </option>
        ))}
      </NativeSelect>
    </div>
  );
}

type NoMatchesProps = { noun: string; q: string | undefined; onClear: () => void };

/** The empty result of a search: says what found nothing and offers to clear it. */
export function NoMatches({ noun, q, onClear }: NoMatchesProps) {
  return (
    <EmptyState
      icon={SearchXIcon}
      title={q ? `No ${noun} match '${q}'` : `No ${noun} match these filters`}
    >
      <Button variant="link" onClick={onClear}>
        Clear the search and filters
      </Button>
    </EmptyState>
  );
}
