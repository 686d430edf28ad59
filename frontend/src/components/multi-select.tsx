import { CheckIcon, ChevronsUpDownIcon, SearchIcon, XIcon } from "lucide-react";
import { type ReactNode, useId, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { Input } from "@/components/ui/input";
import { Popover, PopoverContent, PopoverTrigger } from "@/components/ui/popover";
import { cn } from "@/lib/utils";

export type MultiSelectOption = {
  value: number;
  /** What the list shows; `text` when absent. */
  label?: ReactNode;
  /** Plain text: the search matches it, the chip and the checkbox are named by it. */
  text: string;
  hint?: string;
};

type MultiSelectProps = {
  /** The trigger's id, for a <label htmlFor>. */
  id?: string;
  /** What is chosen, for screen readers: "APIs", "Groups". */
  label: string;
  options: MultiSelectOption[] | undefined;
  value: number[];
  onChange: (value: number[]) => void;
  placeholder: string;
  /** Shown when there is nothing at all to choose from. */
  emptyText: string;
  disabled?: boolean;
  className?: string;
  "aria-invalid"?: boolean;
  "aria-describedby"?: string;
};

function matches(option: MultiSelectOption, search: string): boolean {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const text = `${option.text} ${option.hint ?? ""}`.toLowerCase();
  return words.every((word) => text.includes(word));
}

function OptionRow(props: {
  option: MultiSelectOption;
  checked: boolean;
  onToggle: (checked: boolean) => void;
}) {
  const id = useId();
  const { option } = props;
  return (
    <div className="flex items-start gap-3 rounded-md px-2 py-1.5 hover:bg-accent/60">
      <Checkbox
        id={id}
        className="mt-0.5"
        aria-label={option.text}
        checked={props.checked}
        onCheckedChange={(state) => props.onToggle(state === true)}
      />
      <label htmlFor={id} className="grid min-w-0 flex-1 cursor-pointer gap-0.5 text-sm">
        <span className="min-w-0 truncate">{option.label ?? option.text}</span>
        {option.hint && (
          <span className="truncate text-xs text-muted-foreground">{option.hint}</span>
        )}
      </label>
    </div>
  );
}

function OptionList({
  options,
  value,
  onChange,
  label,
  emptyText,
}: Pick<MultiSelectProps, "value" | "onChange" | "label" | "emptyText"> & {
  options: MultiSelectOption[];
}) {
  const [search, setSearch] = useState("");
  const shown = options.filter((option) => matches(option, search));
  const toggle = (option: number, checked: boolean) =>
    onChange(checked ? [...value, option] : value.filter((v) => v !== option));
  return (
    <>
      <div className="relative border-b p-2">
        <SearchIcon className="pointer-events-none absolute top-1/2 left-4.5 size-4 -translate-y-1/2 text-muted-foreground" />
        <Input
          autoFocus
          aria-label={`Search ${label}`}
          placeholder="Search…"
          className="h-8 pl-8"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
      </div>
      <fieldset aria-label={label} className="max-h-64 min-w-0 overflow-y-auto p-1">
        {options.length === 0 && (
          <p className="px-2 py-6 text-center text-sm text-muted-foreground">{emptyText}</p>
        )}
        {options.length > 0 && shown.length === 0 && (
          <p className="px-2 py-6 text-center text-sm text-muted-foreground">No match.</p>
        )}
        {shown.map((option) => (
          <OptionRow
            key={option.value}
            option={option}
            checked={value.includes(option.value)}
            onToggle={(checked) => toggle(option.value, checked)}
          />
        ))}
      </fieldset>
      {value.length > 0 && (
        <div className="flex items-center justify-between border-t px-3 py-2 text-xs text-muted-foreground">
          <span>{value.length} selected</span>
          <button
            type="button"
            className="font-medium text-foreground hover:underline"
            onClick={() => onChange([])}
          >
            Clear
          </button>
        </div>
      )}
    </>
  );
}

/**
 * Choose several of a list: a button opens a searchable checklist; what is chosen shows
 * under it as chips, each removable.
 */
export function MultiSelect(props: MultiSelectProps) {
  const { value, options, onChange, disabled } = props;
  const byValue = new Map(options?.map((option) => [option.value, option]));
  return (
    <div className={cn("space-y-2", props.className)}>
      <Popover>
        <PopoverTrigger asChild>
          <Button
            id={props.id}
            type="button"
            variant="outline"
            disabled={disabled}
            aria-invalid={props["aria-invalid"]}
            aria-describedby={props["aria-describedby"]}
            className="w-full justify-between bg-transparent px-3 font-normal dark:bg-input/30"
          >
            <span className={cn("truncate", value.length === 0 && "text-muted-foreground")}>
              {value.length === 0 ? props.placeholder : `${value.length} selected`}
            </span>
            <ChevronsUpDownIcon className="text-muted-foreground" />
          </Button>
        </PopoverTrigger>
        <PopoverContent
          align="start"
          className="w-[max(var(--radix-popover-trigger-width),20rem)] p-0"
        >
          {options === undefined ? (
            <p className="px-2 py-6 text-center text-sm text-muted-foreground">Loading…</p>
          ) : (
            <OptionList {...props} options={options} />
          )}
        </PopoverContent>
      </Popover>
      {value.length > 0 && (
        <ul className="flex flex-wrap gap-1.5" aria-label={`Chosen ${props.label}`}>
          {value.map((item) => {
            const option = byValue.get(item);
            const text = option?.text ?? `#${item}`;
            return (
              <li key={item}>
                <Badge variant="secondary" className="max-w-full gap-1.5 py-1 pr-1 font-normal">
                  <CheckIcon className="text-muted-foreground" />
                  <span className="truncate">{option?.label ?? text}</span>
                  {!disabled && (
                    <button
                      type="button"
                      aria-label={`Remove ${text}`}
                      className="rounded-sm p-0.5 text-muted-foreground hover:bg-background hover:text-foreground"
                      onClick={() => onChange(value.filter((v) => v !== item))}
                    >
                      <XIcon />
                    </button>
                  )}
                </Badge>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
