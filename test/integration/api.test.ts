import { describe, expect, it } from "vitest";
import { TIKTOK_TEST_APP } from "../fixtures/tiktok/index.ts";
import { ADMIN_TOKEN, call, createEndpoint, createTikTokChannel, createWorkspace, json } from "./helpers.ts";

describe("authentication", () => {
  it("creates a workspace with the admin token and shows the API key once", async () => {
    const created = await json<{ id: string; name: string; apiKey: string }>(
      await call("POST", "/v1/workspaces", { token: ADMIN_TOKEN, json: { name: "Acme" } }),
      201,
    );
    expect(created).toEqual({ id: expect.stringMatching(/^ws_/), name: "Acme", apiKey: expect.stringMatching(/^sbk_/) });
  });

  it("answers 401 without a credential or with a wrong one", async () => {
    expect((await call("POST", "/v1/workspaces", { json: { name: "x" } })).status).toBe(401);
    expect((await call("POST", "/v1/workspaces", { token: "nope", json: { name: "x" } })).status).toBe(401);
    expect((await call("GET", "/v1/channels")).status).toBe(401);
    expect(await json(await call("GET", "/v1/channels", { token: "sbk_wrong" }), 401)).toMatchObject({ error: { code: "unauthorized" } });
  });

  it("answers 403 to a valid credential on a route it may not use", async () => {
    const { apiKey } = await createWorkspace();
    expect(await json(await call("POST", "/v1/workspaces", { token: apiKey, json: { name: "x" } }), 403)).toMatchObject({
      error: { code: "forbidden" },
    });
    expect((await call("GET", "/v1/channels", { token: ADMIN_TOKEN })).status).toBe(403);
  });
});

describe("channels", () => {
  it("creates, lists, reads, renames and deletes a channel without ever returning a secret", async () => {
    const { apiKey } = await createWorkspace();
    const created = await createTikTokChannel(apiKey);
    expect(created.webhookUrl).toBe(`https://gateway.test/webhooks/tiktok/${created.id}`);

    const read = await json<Record<string, unknown>>(await call("GET", `/v1/channels/${created.id}`, { token: apiKey }), 200);
    expect(read.credentials).toEqual({ appKey: TIKTOK_TEST_APP.appKey });
    const patched = await json<{ name: string }>(
      await call("PATCH", `/v1/channels/${created.id}`, {
        token: apiKey,
        json: { name: "Renamed", credentials: { accessToken: "secret-access-token-123" } },
      }),
      200,
    );
    expect(patched.name).toBe("Renamed");

    const list = await call("GET", "/v1/channels", { token: apiKey });
    const text = await list.clone().text();
    expect(text).not.toContain(TIKTOK_TEST_APP.appSecret);
    expect(text).not.toContain("secret-access-token-123");
    expect(await json(list, 200)).toMatchObject({ data: [{ id: created.id, name: "Renamed" }], nextCursor: null });

    expect((await call("DELETE", `/v1/channels/${created.id}`, { token: apiKey })).status).toBe(204);
    expect((await call("GET", `/v1/channels/${created.id}`, { token: apiKey })).status).toBe(404);
  });

  it("names the bad path when credentials are missing or the platform is unknown", async () => {
    const { apiKey } = await createWorkspace();
    const missing = await json<{ error: { code: string; details: { path: string }[] } }>(
      await call("POST", "/v1/channels", { token: apiKey, json: { platform: "tiktok", name: "x", credentials: { appKey: "k" } } }),
      400,
    );
    expect(missing.error.code).toBe("validation_failed");
    expect(missing.error.details.map((d) => d.path)).toContain("credentials.appSecret");

    const unknown = await json<{ error: { details: { path: string }[] } }>(
      await call("POST", "/v1/channels", { token: apiKey, json: { platform: "myspace", name: "x", credentials: {} } }),
      400,
    );
    expect(unknown.error.details[0]?.path).toBe("platform");
    expect(
      (await call("POST", "/v1/channels", { token: apiKey, body: "{not json", headers: { "content-type": "application/json" } })).status,
    ).toBe(400);
  });

  it("pages through a list with limit and cursor, newest first", async () => {
    const { apiKey } = await createWorkspace();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createTikTokChannel(apiKey)).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : "?limit=2";
      const page: { data: { id: string }[]; nextCursor: string | null } = await json(
        await call("GET", `/v1/channels${query}`, { token: apiKey }),
        200,
      );
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(ids.sort());
    expect((await call("GET", "/v1/channels?limit=0", { token: apiKey })).status).toBe(400);
    expect((await call("GET", "/v1/channels?limit=201", { token: apiKey })).status).toBe(400);
    expect((await call("GET", "/v1/channels?cursor=garbage", { token: apiKey })).status).toBe(400);
  });
});

describe("endpoints", () => {
  it("returns the whsec_ secret only at creation", async () => {
    const { apiKey } = await createWorkspace();
    const created = await createEndpoint(apiKey);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.eventTypes).toEqual([]);
    const read = await call("GET", `/v1/endpoints/${created.id}`, { token: apiKey });
    expect(await read.clone().text()).not.toContain(created.secret.slice(6));
    expect(await json(read, 200)).toMatchObject({ id: created.id, enabled: true });
  });

  it("updates and deletes an endpoint", async () => {
    const { apiKey } = await createWorkspace();
    const created = await createEndpoint(apiKey);
    const patched = await json(
      await call("PATCH", `/v1/endpoints/${created.id}`, {
        token: apiKey,
        json: { eventTypes: ["message.received"], enabled: false, description: "CRM" },
      }),
      200,
    );
    expect(patched).toMatchObject({ eventTypes: ["message.received"], enabled: false, description: "CRM" });
    expect((await call("DELETE", `/v1/endpoints/${created.id}`, { token: apiKey })).status).toBe(204);
    expect((await call("DELETE", `/v1/endpoints/${created.id}`, { token: apiKey })).status).toBe(404);
  });

  it("refuses an unknown event type and a URL it will not call", async () => {
    const { apiKey } = await createWorkspace();
    const badType = await call("POST", "/v1/endpoints", {
      token: apiKey,
      json: { url: "https://example.com/h", eventTypes: ["message.exploded"] },
    });
    expect(await json(badType, 400)).toMatchObject({ error: { details: [{ path: "eventTypes.0" }] } });
    const badUrl = await call("POST", "/v1/endpoints", { token: apiKey, json: { url: "ftp://example.com/h" } });
    expect(await json(badUrl, 422)).toMatchObject({ error: { code: "unprocessable", details: [{ path: "url" }] } });
  });
});

describe("workspace isolation", () => {
  it("answers 404 for another workspace's objects", async () => {
    const mine = await createWorkspace("Mine");
    const theirs = await createWorkspace("Theirs");
    const channel = await createTikTokChannel(theirs.apiKey);
    const endpoint = await createEndpoint(theirs.apiKey);
    for (const [method, path] of [
      ["GET", `/v1/channels/${channel.id}`],
      ["PATCH", `/v1/channels/${channel.id}`],
      ["DELETE", `/v1/channels/${channel.id}`],
      ["GET", `/v1/endpoints/${endpoint.id}`],
      ["PATCH", `/v1/endpoints/${endpoint.id}`],
      ["DELETE", `/v1/endpoints/${endpoint.id}`],
      ["GET", `/v1/endpoints/${endpoint.id}/attempts`],
      ["POST", "/v1/dead-letters/dl_nothere/retry"],
    ] as const) {
      const response = await call(method, path, {
        token: mine.apiKey,
        json: method === "PATCH" ? (path.includes("channels") ? { name: "stolen" } : { description: "stolen" }) : undefined,
      });
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    const lists = await json<{ data: unknown[] }>(await call("GET", "/v1/channels", { token: mine.apiKey }), 200);
    expect(lists.data).toEqual([]);
    // Still there for its owner.
    expect((await call("GET", `/v1/channels/${channel.id}`, { token: theirs.apiKey })).status).toBe(200);
  });

  it("answers unknown routes with the error shape", async () => {
    expect(await json(await call("GET", "/v2/nothing"), 404)).toMatchObject({ error: { code: "not_found" } });
  });
});

describe("rules and settings", () => {
  it("serves the default rules until a workspace puts its own, then versions them", async () => {
    const { apiKey } = await createWorkspace();
    const defaults = await json<{ version: number; isDefault: boolean; rules: { id: string }[] }>(
      await call("GET", "/v1/rules", { token: apiKey }),
      200,
    );
    expect(defaults).toMatchObject({ version: 0, isDefault: true });
    expect(defaults.rules.map((r) => r.id)).toContain("order-status");

    const mine = { rules: [{ id: "vip", when: { textMatches: "vip" }, actions: [{ type: "tag", tags: ["vip"] }] }], templates: {} };
    expect(await json(await call("PUT", "/v1/rules", { token: apiKey, json: mine }), 200)).toMatchObject({ version: 1, isDefault: false });
    expect(await json(await call("PUT", "/v1/rules", { token: apiKey, json: mine, headers: { "if-match": "1" } }), 200)).toMatchObject({
      version: 2,
    });
    expect((await call("PUT", "/v1/rules", { token: apiKey, json: mine, headers: { "if-match": "1" } })).status).toBe(409);
    expect(await json(await call("GET", "/v1/rules", { token: apiKey }), 200)).toMatchObject({ version: 2, rules: [{ id: "vip" }] });
  });

  it("points at the bad path of invalid rules", async () => {
    const { apiKey } = await createWorkspace();
    const bad = await json<{ error: { details: { path: string }[] } }>(
      await call("PUT", "/v1/rules", {
        token: apiKey,
        json: { rules: [{ id: "x", when: { intent: ["teleport"] }, actions: [{ type: "reply_template", template: "nope" }] }] },
      }),
      400,
    );
    expect(bad.error.details.map((d) => d.path)).toContain("rules.0.when.intent.0");
  });

  it("patches settings, hides order-lookup header values, and guards the lookup URL", async () => {
    const { apiKey } = await createWorkspace();
    const patched = await call("PATCH", "/v1/settings", {
      token: apiKey,
      json: {
        liveSale: { enabled: true },
        orderLookup: { url: "https://shop.example/orders/{orderId}", headers: { "X-Api-Key": "k3y-value" } },
      },
    });
    const text = await patched.clone().text();
    expect(text).not.toContain("k3y-value");
    expect(await json(patched, 200)).toMatchObject({
      liveSale: { enabled: true, responseWindowSeconds: 3600 },
      orderLookup: { url: "https://shop.example/orders/{orderId}", headers: ["x-api-key"] },
    });
    expect((await call("PATCH", "/v1/settings", { token: apiKey, json: { orderLookup: { url: "ftp://x/{orderId}" } } })).status).toBe(422);
    expect((await call("PATCH", "/v1/settings", { token: apiKey, json: { responseWindowSeconds: 0 } })).status).toBe(400);
  });
});
