// The AI tier's configuration through the API: settings.ai with its sealed key, and knowledge entries.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createWorkspace, json } from "./helpers.ts";

describe("settings.ai", () => {
  it("is off by default, seals the key and never shows it", async () => {
    const { id, apiKey } = await createWorkspace();
    expect((await json<{ ai: unknown }>(await call("GET", "/v1/settings", { token: apiKey }), 200)).ai).toBeNull();
    const updated = await json<{ ai: Record<string, unknown> }>(
      await call("PATCH", "/v1/settings", {
        token: apiKey,
        json: { ai: { enabled: true, model: "gpt-4o-mini", url: "http://127.0.0.1:9999/ai/v1", apiKey: "sk-very-secret" } },
      }),
      200,
    );
    expect(updated.ai).toEqual({
      enabled: true,
      model: "gpt-4o-mini",
      url: "http://127.0.0.1:9999/ai/v1",
      hasApiKey: true,
      maxRepliesPerConversation: 3,
      dailyCallBudget: 1000,
      timeoutSeconds: 20,
      maskPersonalData: true,
    });
    const text = await (await call("GET", "/v1/settings", { token: apiKey })).text();
    expect(text).not.toContain("sk-very-secret");
    const row = await env.DB.prepare("SELECT settings FROM workspace_settings WHERE workspace_id = ?")
      .bind(id)
      .first<{ settings: string }>();
    expect(row?.settings).not.toContain("sk-very-secret");
    expect(row?.settings).toMatch(/"apiKeySealed":"v2\./);

    // Same URL, no key: the key stays. Another URL: it does not follow.
    const same = await json<{ ai: { hasApiKey: boolean; maxRepliesPerConversation: number } }>(
      await call("PATCH", "/v1/settings", {
        token: apiKey,
        json: { ai: { enabled: true, model: "gpt-4o-mini", url: "http://127.0.0.1:9999/ai/v1", maxRepliesPerConversation: 5 } },
      }),
      200,
    );
    expect(same.ai).toMatchObject({ hasApiKey: true, maxRepliesPerConversation: 5 });
    const moved = await json<{ ai: { hasApiKey: boolean } }>(
      await call("PATCH", "/v1/settings", { token: apiKey, json: { ai: { enabled: true, model: "m", url: "http://127.0.0.1:9998/v1" } } }),
      200,
    );
    expect(moved.ai.hasApiKey).toBe(false);
  });

  it("refuses a URL the endpoint guard refuses, a key without a URL and unbounded fields, naming the paths", async () => {
    const { apiKey } = await createWorkspace();
    const refused = await json<{ error: { details: { path: string }[] } }>(
      await call("PATCH", "/v1/settings", { token: apiKey, json: { ai: { enabled: true, model: "m", url: "ftp://example.com" } } }),
      422,
    );
    expect(refused.error.details[0]?.path).toBe("ai.url");
    const invalid = await json<{ error: { details: { path: string }[] } }>(
      await call("PATCH", "/v1/settings", {
        token: apiKey,
        json: { ai: { enabled: true, model: "x".repeat(201), apiKey: "k", maxRepliesPerConversation: 0 } },
      }),
      400,
    );
    expect(invalid.error.details.map((d) => d.path).sort()).toEqual(["ai.apiKey", "ai.maxRepliesPerConversation", "ai.model"]);
  });
});

describe("/v1/knowledge", () => {
  it("creates, lists, reads, changes and deletes entries, within the workspace", async () => {
    const { apiKey } = await createWorkspace();
    const other = await createWorkspace("Other");
    const created = await json<{ id: string; title: string; text: string; language: string | null; updatedAt: string }>(
      await call("POST", "/v1/knowledge", { token: apiKey, json: { title: "Returns", text: "Returns within 30 days.", language: "en" } }),
      201,
    );
    expect(created).toMatchObject({ title: "Returns", text: "Returns within 30 days.", language: "en" });
    expect(created.id).toMatch(/^kn_/);
    expect(Date.parse(created.updatedAt)).not.toBeNaN();
    const bare = await json<{ language: string | null }>(
      await call("POST", "/v1/knowledge", { token: apiKey, json: { title: "COD", text: "Cash on delivery everywhere." } }),
      201,
    );
    expect(bare.language).toBeNull();

    const listed = await json<{ data: { id: string }[] }>(await call("GET", "/v1/knowledge", { token: apiKey }), 200);
    expect(listed.data).toHaveLength(2);
    await json(await call("GET", `/v1/knowledge/${created.id}`, { token: other.apiKey }), 404);

    const patched = await json<{ text: string; language: string | null }>(
      await call("PATCH", `/v1/knowledge/${created.id}`, { token: apiKey, json: { text: "Returns within 14 days.", language: null } }),
      200,
    );
    expect(patched).toMatchObject({ text: "Returns within 14 days.", language: null });
    expect((await call("DELETE", `/v1/knowledge/${created.id}`, { token: apiKey })).status).toBe(204);
    await json(await call("GET", `/v1/knowledge/${created.id}`, { token: apiKey }), 404);
  });

  it("refuses empty, oversized or unknown-language entries with the paths", async () => {
    const { apiKey } = await createWorkspace();
    const bad = await json<{ error: { details: { path: string }[] } }>(
      await call("POST", "/v1/knowledge", { token: apiKey, json: { title: "", text: "x".repeat(8001), language: "fr" } }),
      400,
    );
    expect(bad.error.details.map((d) => d.path).sort()).toEqual(["language", "text", "title"]);
  });
});
