/** A whole number of at least 1 from a URL search value, or undefined. */
export function positiveInt(value: unknown): number | undefined {
  const number = typeof value === "string" ? Number(value) : value;
  return typeof number === "number" && Number.isInteger(number) && number >= 1 ? number : undefined;
}

/** A string from a URL search value, or undefined. */
export function optionalString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** A list's search text from the URL (a number-like `?q=123` arrives as a number). */
export function searchText(value: unknown): string | undefined {
  const text = typeof value === "number" ? String(value) : optionalString(value)?.trim();
  return text ? text.slice(0, 200) : undefined;
}

/** `value` when it is one of `allowed`, else undefined. */
export function oneOf<T extends string>(allowed: readonly T[], value: unknown): T | undefined {
  return allowed.find((item) => item === value);
}

/** A yes/no filter from the URL (`true` / `false`, parsed or not), else undefined. */
export function optionalBoolean(value: unknown): boolean | undefined {
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  return undefined;
}

/** Whether any of a list's search values (other than its page) is set. */
export function isFiltered(search: Record<string, unknown>): boolean {
  return Object.entries(search).some(([key, value]) => key !== "page" && value !== undefined);
}
