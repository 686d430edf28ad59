import { useQuery } from "@tanstack/react-query";
import { groupsReadGroupsOptions } from "@/client/@tanstack/react-query.gen";
import type { GroupPublic } from "@/client/types.gen";
import { MultiSelect, type MultiSelectOption } from "@/components/multi-select";
import { can } from "@/lib/permissions";
import { useCurrentUser } from "@/lib/session";

/** Every group; undefined while loading or when the user may not read groups. */
export function useGroups(): GroupPublic[] | undefined {
  const mayRead = can(useCurrentUser(), "group", "read");
  return useQuery({ ...groupsReadGroupsOptions({ query: { limit: 1000 } }), enabled: mayRead }).data
    ?.data;
}

type GroupPickerProps = {
  id?: string;
  value: number[];
  onChange: (value: number[]) => void;
  disabled?: boolean;
  placeholder?: string;
  "aria-invalid"?: boolean;
  "aria-describedby"?: string;
};

/** A searchable multi-select of the groups. */
export function GroupPicker({ placeholder = "Choose groups", ...props }: GroupPickerProps) {
  const groups = useGroups();
  const options = groups?.map(
    (group): MultiSelectOption => ({
      value: group.id,
      text: group.name,
      hint: `${group.api_ids.length} ${group.api_ids.length === 1 ? "API" : "APIs"}`,
    }),
  );
  return (
    <MultiSelect
      {...props}
      label="Groups"
      options={options}
      placeholder={placeholder}
      emptyText="No groups yet."
    />
  );
}
