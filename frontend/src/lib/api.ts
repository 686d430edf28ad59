import { client } from "@/client/client.gen";
import { clearToken, getToken } from "@/lib/session";

/** An answer of the admin API other than 2xx, with its `detail` made readable. */
export class ApiError extends Error {
  readonly status: number;
  readonly retryAfterSeconds: number | null;
  /** Validation messages by field path ("port", "options.path"), from a 422's `detail`. */
  readonly fieldErrors: Readonly<Record<string, string>>;
  /** The answer's stable error `code` (`tests_failed`...), when it has one. */
  readonly code: string | null;
  /** The whole answer, for errors that carry more than a message (a 409's `tests`). */
  readonly body: unknown;

  constructor(
    status: number,
    message: string,
    retryAfterSeconds: number | null = null,
    fieldErrors: Record<string, string> = {},
    body: unknown = null,
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
    this.fieldErrors = fieldErrors;
    this.body = body;
    const code = typeof body === "object" && body !== null && "code" in body ? body.code : null;
    this.code = typeof code === "string" ? code : null;
  }
}

/** The field path and message of one FastAPI validation issue, `{loc: ["body", "email"], msg}`. */
function parseIssue(issue: unknown): { field: string; message: string } {
  if (typeof issue !== "object" || issue === null) return { field: "", message: String(issue) };
  const loc = "loc" in issue && Array.isArray(issue.loc) ? (issue.loc as unknown[]) : [];
  const field = loc.filter((part) => part !== "body").join(".");
  const message = "msg" in issue && typeof issue.msg === "string" ? issue.msg : "is invalid";
  return { field, message };
}

/** One validation issue as "email: ...". */
function describeIssue(issue: unknown): string {
  const { field, message } = parseIssue(issue);
  return field ? `${field}: ${message}` : message;
}

/** The validation issues of a FastAPI `detail` list that name a field, by field path. */
export function fieldErrors(body: unknown): Record<string, string> {
  const detail = typeof body === "object" && body !== null && "detail" in body ? body.detail : null;
  if (!Array.isArray(detail)) return {};
  const errors: Record<string, string> = {};
  for (const { field, message } of (detail as unknown[]).map(parseIssue)) {
    if (field && !(field in errors)) errors[field] = message;
  }
  return errors;
}

/** Turn a FastAPI `detail` (a string or a list of validation issues) into one sentence. */
export function detailMessage(body: unknown, status: number): string {
  const detail = typeof body === "object" && body !== null && "detail" in body ? body.detail : body;
  if (typeof detail === "string" && detail) return detail;
  if (Array.isArray(detail) && detail.length > 0) {
    return (detail as unknown[]).map(describeIssue).join("; ");
  }
  return `The server answered ${status}.`;
}

function retryAfter(response: Response): number | null {
  const seconds = Number(response.headers.get("Retry-After"));
  return Number.isFinite(seconds) && seconds > 0 ? seconds : null;
}

/** A readable message for anything a query or mutation may throw. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return "Cannot reach the Sluice server.";
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}

/**
 * Point the generated client at this origin, send the stored token, and turn
 * error answers into ApiError. A 401 on an authenticated call means the
 * session is over: the token is dropped and `onUnauthorized` runs.
 */
export function configureApiClient(onUnauthorized: () => void): void {
  client.setConfig({ baseUrl: window.location.origin });
  client.interceptors.request.use((request) => {
    const token = getToken();
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    return request;
  });
  client.interceptors.error.use((body, response, request) => {
    if (response.status === 401 && request.headers.has("Authorization")) {
      clearToken();
      onUnauthorized();
    }
    return new ApiError(
      response.status,
      detailMessage(body, response.status),
      retryAfter(response),
      fieldErrors(body),
      body,
    );
  });
}

/** The per-field validation messages of an error, if it is an ApiError that has any. */
export function fieldErrorsOf(error: unknown): Readonly<Record<string, string>> {
  return error instanceof ApiError ? error.fieldErrors : {};
}
