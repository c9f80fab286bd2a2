import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { setAppBridge } from "../app/bridge";
import { FakeBridge } from "../test/fakeBridge";
import { download, gql, GraphQLRequestError, parseGraphQLResponse, unwrapPayload } from "./client";

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

let bridge: FakeBridge;
let fetchMock: ReturnType<typeof vi.fn>;

beforeEach(() => {
  bridge = new FakeBridge();
  setAppBridge(bridge);
  fetchMock = vi.fn();
  vi.stubGlobal("fetch", fetchMock);
});

afterEach(() => {
  vi.unstubAllGlobals();
  setAppBridge(null);
});

describe("gql", () => {
  it("reads the token for every request, so a refreshed token is used at once", async () => {
    fetchMock.mockImplementation(async () => jsonResponse(200, { data: { ok: true } }));
    await gql("{ ok }");
    bridge.refreshToken("token-2");
    await gql("{ ok }", { a: 1 });

    const [first, second] = fetchMock.mock.calls;
    expect(first[0]).toBe("/graphql/");
    expect(first[1].headers["authorization-bearer"]).toBe("token-1");
    expect(second[1].headers["authorization-bearer"]).toBe("token-2");
    expect(second[1].headers["saleor-api-url"]).toBe("https://shop.example.com/graphql/");
    expect(JSON.parse(second[1].body)).toEqual({ query: "{ ok }", variables: { a: 1 } });
  });

  it("refuses to send without a token (before the dashboard's handshake)", async () => {
    bridge.state.token = undefined;
    await expect(gql("{ ok }")).rejects.toMatchObject({ codes: ["NOT_CONNECTED"] });
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("maps GraphQL errors to their messages and codes", async () => {
    fetchMock.mockResolvedValue(
      jsonResponse(200, {
        data: null,
        errors: [{ message: "You do not have permission to perform this action.", extensions: { code: "FORBIDDEN" } }],
      }),
    );
    const error = await gql("{ ok }").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLRequestError);
    expect((error as GraphQLRequestError).messages).toEqual(["You do not have permission to perform this action."]);
    expect((error as GraphQLRequestError).codes).toEqual(["FORBIDDEN"]);
  });

  it("explains a 401 and a 5xx without a GraphQL body", async () => {
    fetchMock.mockResolvedValueOnce(new Response("nope", { status: 401 }));
    await expect(gql("{ ok }")).rejects.toMatchObject({ status: 401, messages: [expect.stringContaining("session")] });
    fetchMock.mockResolvedValueOnce(new Response("<html>", { status: 502 }));
    await expect(gql("{ ok }")).rejects.toMatchObject({ status: 502, messages: [expect.stringContaining("not available")] });
  });

  it("turns a network failure into a readable error", async () => {
    fetchMock.mockRejectedValue(new TypeError("Failed to fetch"));
    await expect(gql("{ ok }")).rejects.toMatchObject({ messages: [expect.stringContaining("could not be reached")] });
  });
});

describe("parseGraphQLResponse", () => {
  it("returns the data of a successful answer", () => {
    expect(parseGraphQLResponse(200, { data: { a: 1 } })).toEqual({ a: 1 });
  });

  it("refuses an answer without data", () => {
    expect(() => parseGraphQLResponse(200, {})).toThrow(GraphQLRequestError);
  });
});

describe("unwrapPayload", () => {
  it("returns a result and throws OperationInfo messages with their fields", () => {
    expect(unwrapPayload({ __typename: "Flow", id: "1" })).toEqual({ __typename: "Flow", id: "1" });
    try {
      unwrapPayload({
        __typename: "OperationInfo",
        messages: [{ message: "Unknown time zone.", field: "timezone", code: "invalid" }],
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(GraphQLRequestError);
      expect((error as GraphQLRequestError).messages).toEqual(["Unknown time zone."]);
      expect((error as GraphQLRequestError).fields).toEqual(["timezone"]);
      expect((error as GraphQLRequestError).codes).toEqual(["invalid"]);
    }
  });
});

describe("download", () => {
  it("fetches with the dashboard headers and saves the file under the given name", async () => {
    fetchMock.mockResolvedValue(new Response("a,b\n1,2\n", { status: 200 }));
    const createObjectURL = vi.fn(() => "blob:csv");
    vi.stubGlobal("URL", Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() }));
    const clicked: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    });

    await download("/api/flows/1/stats.csv", "stats.csv");

    expect(fetchMock.mock.calls[0][0]).toBe("/api/flows/1/stats.csv");
    expect(fetchMock.mock.calls[0][1].headers["authorization-bearer"]).toBe("token-1");
    expect(clicked).toEqual(["stats.csv"]);
    click.mockRestore();
  });

  it("reports the app's error instead of saving an error page", async () => {
    fetchMock.mockResolvedValue(jsonResponse(400, { error: { message: "At most 366 days." } }));
    await expect(download("/x.csv", "x.csv")).rejects.toMatchObject({ messages: ["At most 366 days."], status: 400 });
  });
});
