import type { ClientCreate, ClientPublic } from "@/client/types.gen";

/** What the client form edits, as its inputs hold it. */
export type ClientFormValues = {
  name: string;
  description: string;
  isActive: boolean;
  groupIds: number[];
  apiIds: number[];
  rateLimitPerMinute: string;
  maxConcurrent: string;
  tokenExpireSeconds: string;
  allowedIps: string[];
  /** JSON text of an object. */
  attributes: string;
};

/** Thrown for a value the form cannot send, with the field it belongs to. */
export class ClientValueError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

const numberText = (value: number | null | undefined): string =>
  value === null || value === undefined ? "" : String(value);

export function initialValues(client?: ClientPublic): ClientFormValues {
  const attributes = client?.attributes ?? {};
  return {
    name: client?.name ?? "",
    description: client?.description ?? "",
    isActive: client?.is_active ?? true,
    groupIds: client?.group_ids ?? [],
    apiIds: client?.api_ids ?? [],
    rateLimitPerMinute: numberText(client?.rate_limit_per_minute),
    maxConcurrent: numberText(client?.max_concurrent),
    tokenExpireSeconds: numberText(client?.token_expire_seconds),
    allowedIps: client?.allowed_ips ?? [],
    attributes: Object.keys(attributes).length === 0 ? "" : JSON.stringify(attributes, null, 2),
  };
}

/** The attributes text as an object; empty text is an empty object. */
export function parseAttributes(text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : "it does not parse";
    throw new ClientValueError("attributes", `Not valid JSON: ${reason}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ClientValueError("attributes", 'Write a JSON object, like {"tenant": "acme"}.');
  }
  return value as Record<string, unknown>;
}

function optionalInt(text: string, field: string): number | null {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  const number = Number(trimmed);
  if (!Number.isInteger(number)) throw new ClientValueError(field, "Write a whole number.");
  return number;
}

/** The body of a create or an update; throws ClientValueError for what cannot be sent. */
export function toBody(values: ClientFormValues): ClientCreate {
  return {
    name: values.name.trim(),
    description: values.description.trim() || null,
    is_active: values.isActive,
    group_ids: values.groupIds,
    api_ids: values.apiIds,
    rate_limit_per_minute: optionalInt(values.rateLimitPerMinute, "rate_limit_per_minute"),
    max_concurrent: optionalInt(values.maxConcurrent, "max_concurrent"),
    token_expire_seconds: optionalInt(values.tokenExpireSeconds, "token_expire_seconds"),
    allowed_ips: values.allowedIps,
    attributes: parseAttributes(values.attributes),
  };
}

/** "1 h", "30 min", "2 d" for a token lifetime in seconds. */
export function formatSeconds(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} d`;
  if (seconds % 3_600 === 0) return `${seconds / 3_600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** Split typed or pasted text into IP addresses and ranges. */
export function splitAddresses(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((item) => item.trim())
    .filter(Boolean);
}
