/**
 * The only way the pages talk to the app: its GraphQL API at /graphql/ (same origin as the
 * page), authenticated like app-sdk's createAuthenticatedFetch (PROTOCOL.md §5.3) with the
 * dashboard token read from AppBridge for every call.
 */
import { currentAuth } from "../app/bridge";

export const GRAPHQL_PATH = "/graphql/";

/** A request that did not produce data: HTTP failure, GraphQL errors or a refused mutation. */
export class GraphQLRequestError extends Error {
  readonly messages: string[];
  readonly status: number | null;
  readonly codes: string[];
  /** For refused mutations: the input field each message is about (null: the whole input). */
  readonly fields: (string | null)[];

  constructor(
    messages: string[],
    options: { status?: number | null; codes?: string[]; fields?: (string | null)[] } = {},
  ) {
    super(messages.join(" "));
    this.name = "GraphQLRequestError";
    this.messages = messages;
    this.status = options.status ?? null;
    this.codes = options.codes ?? [];
    this.fields = options.fields ?? messages.map(() => null);
  }
}

interface GraphQLError {
  message?: string;
  extensions?: { code?: string };
}

function authHeaders(): Record<string, string> {
  const { token, saleorApiUrl } = currentAuth();
  if (!token || !saleorApiUrl) {
    throw new GraphQLRequestError(
      ["Not connected to the Saleor dashboard yet: open this page from the dashboard."],
      { codes: ["NOT_CONNECTED"] },
    );
  }
  return { "authorization-bearer": token, "saleor-api-url": saleorApiUrl };
}

/** Plain-language text for an HTTP status when the body carries no GraphQL errors. */
function statusMessage(status: number): string {
  if (status === 401) return "Your dashboard session is not valid for this app. Reload the page.";
  if (status === 403) return "You do not have permission to do this.";
  if (status >= 500) return "The app is not available right now. Try again in a moment.";
  return `The app answered with HTTP ${status}.`;
}

/** Turn a GraphQL response body (and its HTTP status) into data or a GraphQLRequestError. */
export function parseGraphQLResponse<T>(status: number, body: unknown): T {
  const payload = (body ?? {}) as { data?: T | null; errors?: GraphQLError[] };
  const errors = Array.isArray(payload.errors) ? payload.errors : [];
  if (errors.length > 0) {
    throw new GraphQLRequestError(
      errors.map((error) => error.message || "Unknown error."),
      {
        status,
        codes: errors.map((error) => error.extensions?.code).filter((c): c is string => !!c),
      },
    );
  }
  if (status < 200 || status >= 300 || payload.data === undefined || payload.data === null) {
    throw new GraphQLRequestError([statusMessage(status)], { status });
  }
  return payload.data;
}

/** Run one GraphQL operation against the app's API. */
export async function gql<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
  const headers = { ...authHeaders(), "content-type": "application/json" };
  let response: Response;
  try {
    response = await fetch(GRAPHQL_PATH, {
      method: "POST",
      headers,
      body: JSON.stringify({ query, variables: variables ?? {} }),
    });
  } catch {
    throw new GraphQLRequestError(["The app could not be reached. Check your connection."]);
  }
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  return parseGraphQLResponse<T>(response.status, body);
}

/** Mutation payloads are `Result | OperationInfo`; this returns the result or throws. */
interface OperationMessage {
  message: string;
  code?: string | null;
  field?: string | null;
}

export function unwrapPayload<T extends { __typename?: string }>(
  payload: T | { __typename?: "OperationInfo"; messages?: OperationMessage[] },
): Exclude<T, { __typename?: "OperationInfo" }> {
  if (payload && (payload as { __typename?: string }).__typename === "OperationInfo") {
    const messages = (payload as { messages?: OperationMessage[] }).messages ?? [];
    if (messages.length === 0) throw new GraphQLRequestError(["The change was refused."]);
    throw new GraphQLRequestError(
      messages.map((m) => m.message),
      {
        codes: messages.map((m) => m.code).filter((c): c is string => !!c),
        fields: messages.map((m) => m.field ?? null),
      },
    );
  }
  return payload as Exclude<T, { __typename?: "OperationInfo" }>;
}

/** Fetch a file from the app (CSV exports) with the same credentials and save it. */
export async function download(path: string, filename: string): Promise<void> {
  const headers = authHeaders();
  let response: Response;
  try {
    response = await fetch(path, { headers });
  } catch {
    throw new GraphQLRequestError(["The app could not be reached. Check your connection."]);
  }
  if (!response.ok) {
    let messages = [statusMessage(response.status)];
    try {
      const body = (await response.json()) as { errors?: GraphQLError[]; error?: { message?: string } };
      if (body.errors?.length) messages = body.errors.map((e) => e.message || "Unknown error.");
      else if (body.error?.message) messages = [body.error.message];
    } catch {
      // Not JSON: keep the status text.
    }
    throw new GraphQLRequestError(messages, { status: response.status });
  }
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  try {
    const link = document.createElement("a");
    link.href = url;
    link.download = filename;
    link.rel = "noopener";
    document.body.appendChild(link);
    link.click();
    link.remove();
  } finally {
    // Revoke after the click has been handled; the browser has copied the blob by then.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}
