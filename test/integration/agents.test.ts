// Agents and roles through HTTP: per-agent keys, /v1/me, the last admin kept, deleted keys refused, the audit list.
import { describe, expect, it } from "vitest";
import { call, count, createEndpoint, createWorkspace, json } from "./helpers.ts";

interface Agent {
  id: string;
  name: string;
  role: "admin" | "agent";
  createdAt: string;
}

async function addAgent(adminKey: string, name: string, role: "admin" | "agent"): Promise<Agent & { apiKey: string }> {
  return json(await call("POST", "/v1/agents", { token: adminKey, json: { name, role } }), 201);
}

describe("agents", () => {
  it("the workspace's key is its Owner, an admin; GET /v1/me says who calls", async () => {
    const workspace = await createWorkspace();
    const me = await json<Record<string, unknown>>(await call("GET", "/v1/me", { token: workspace.apiKey }), 200);
    expect(me).toEqual({ id: expect.stringMatching(/^agt_/), name: "Owner", role: "admin", workspaceId: workspace.id });
  });

  it("creates an agent with its own key, shown once and stored hashed; lists and reads it without the key", async () => {
    const workspace = await createWorkspace();
    const lan = await addAgent(workspace.apiKey, "Lan", "agent");
    expect(lan).toEqual({
      id: expect.stringMatching(/^agt_/),
      name: "Lan",
      role: "agent",
      apiKey: expect.stringMatching(/^sbk_/),
      createdAt: expect.any(String),
    });
    expect(await count("SELECT count(*) AS n FROM api_keys WHERE key_hash = ?", lan.apiKey)).toBe(0);
    const hash = [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(lan.apiKey)))]
      .map((byte) => byte.toString(16).padStart(2, "0"))
      .join("");
    expect(await count("SELECT count(*) AS n FROM api_keys WHERE id = ? AND key_hash = ?", lan.id, hash)).toBe(1);

    const me = await json<Record<string, unknown>>(await call("GET", "/v1/me", { token: lan.apiKey }), 200);
    expect(me).toEqual({ id: lan.id, name: "Lan", role: "agent", workspaceId: workspace.id });

    const listed = await call("GET", "/v1/agents", { token: lan.apiKey });
    const text = await listed.clone().text();
    expect(text).not.toContain(lan.apiKey);
    const list = await json<{ data: Agent[]; nextCursor: string | null }>(listed, 200);
    expect(list.data.map((agent) => [agent.name, agent.role])).toEqual([
      ["Lan", "agent"],
      ["Owner", "admin"],
    ]);
    expect(list.data[0]).not.toHaveProperty("apiKey");
    expect(await json(await call("GET", `/v1/agents/${lan.id}`, { token: workspace.apiKey }), 200)).toEqual({
      id: lan.id,
      name: "Lan",
      role: "agent",
      createdAt: lan.createdAt,
    });
  });

  it("renames and promotes; another workspace's agent is a 404", async () => {
    const workspace = await createWorkspace();
    const other = await createWorkspace("Other");
    const lan = await addAgent(workspace.apiKey, "Lan", "agent");
    const patched = await json<Agent>(
      await call("PATCH", `/v1/agents/${lan.id}`, { token: workspace.apiKey, json: { name: "Lan N.", role: "admin" } }),
      200,
    );
    expect(patched).toMatchObject({ id: lan.id, name: "Lan N.", role: "admin" });
    expect(await json(await call("GET", "/v1/me", { token: lan.apiKey }), 200)).toMatchObject({ name: "Lan N.", role: "admin" });
    await json(await call("GET", `/v1/agents/${lan.id}`, { token: other.apiKey }), 404);
    await json(await call("PATCH", `/v1/agents/${lan.id}`, { token: other.apiKey, json: { name: "x" } }), 404);
    await json(await call("DELETE", `/v1/agents/${lan.id}`, { token: other.apiKey }), 404);
  });

  it("refuses bad input with the offending paths", async () => {
    const workspace = await createWorkspace();
    const body = await json<{ error: { code: string; details: { path: string }[] } }>(
      await call("POST", "/v1/agents", { token: workspace.apiKey, json: { name: "", role: "owner", extra: 1 } }),
      400,
    );
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.details.map((detail) => detail.path).sort()).toEqual(["(root)", "name", "role"]);
    const empty = await json<{ error: { code: string } }>(
      await call("PATCH", `/v1/agents/agt_x`, { token: workspace.apiKey, json: {} }),
      400,
    );
    expect(empty.error.code).toBe("validation_failed");
    await json(await call("POST", "/v1/agents", { token: workspace.apiKey, json: { name: "x".repeat(201), role: "agent" } }), 400);
  });

  it("a deleted agent's key answers 401 from then on", async () => {
    const workspace = await createWorkspace();
    const lan = await addAgent(workspace.apiKey, "Lan", "agent");
    expect((await call("DELETE", `/v1/agents/${lan.id}`, { token: workspace.apiKey })).status).toBe(204);
    expect(await json(await call("GET", "/v1/me", { token: lan.apiKey }), 401)).toMatchObject({ error: { code: "unauthorized" } });
    await json(await call("GET", `/v1/agents/${lan.id}`, { token: workspace.apiKey }), 404);
  });

  it("keeps the last admin: neither deleted nor demoted (409); possible once another admin exists", async () => {
    const workspace = await createWorkspace();
    const owner = await json<{ id: string }>(await call("GET", "/v1/me", { token: workspace.apiKey }), 200);
    expect(await json(await call("DELETE", `/v1/agents/${owner.id}`, { token: workspace.apiKey }), 409)).toMatchObject({
      error: { code: "conflict" },
    });
    await json(await call("PATCH", `/v1/agents/${owner.id}`, { token: workspace.apiKey, json: { role: "agent" } }), 409);
    // Renaming the last admin is fine.
    await json(await call("PATCH", `/v1/agents/${owner.id}`, { token: workspace.apiKey, json: { name: "Boss", role: "admin" } }), 200);

    const mai = await addAgent(workspace.apiKey, "Mai", "admin");
    await json(await call("PATCH", `/v1/agents/${owner.id}`, { token: workspace.apiKey, json: { role: "agent" } }), 200);
    // Now Mai is the only admin: the demoted owner cannot act, and Mai cannot remove herself.
    await json(await call("DELETE", `/v1/agents/${mai.id}`, { token: workspace.apiKey }), 403);
    await json(await call("DELETE", `/v1/agents/${mai.id}`, { token: mai.apiKey }), 409);
    expect((await call("DELETE", `/v1/agents/${owner.id}`, { token: mai.apiKey })).status).toBe(204);
    expect(await count("SELECT count(*) AS n FROM api_keys WHERE workspace_id = ? AND role = 'admin'", workspace.id)).toBe(1);
  });

  it("two admins deleting each other at once leave one admin", async () => {
    const workspace = await createWorkspace();
    const owner = await json<{ id: string }>(await call("GET", "/v1/me", { token: workspace.apiKey }), 200);
    const mai = await addAgent(workspace.apiKey, "Mai", "admin");
    const [a, b] = await Promise.all([
      call("DELETE", `/v1/agents/${mai.id}`, { token: workspace.apiKey }),
      call("DELETE", `/v1/agents/${owner.id}`, { token: mai.apiKey }),
    ]);
    expect([a.status, b.status].sort()).toEqual([204, 409]);
    expect(await count("SELECT count(*) AS n FROM api_keys WHERE workspace_id = ? AND role = 'admin'", workspace.id)).toBe(1);
  });
});

describe("the audit list", () => {
  it("records who made each write, on what, and what changed; never a key", async () => {
    const workspace = await createWorkspace();
    const owner = await json<{ id: string }>(await call("GET", "/v1/me", { token: workspace.apiKey }), 200);
    const lan = await addAgent(workspace.apiKey, "Lan", "agent");
    await json(await call("PATCH", `/v1/agents/${lan.id}`, { token: workspace.apiKey, json: { name: "Lan N." } }), 200);
    await json(await call("PATCH", "/v1/settings", { token: lan.apiKey, json: { liveSale: { enabled: true } } }), 403);

    const response = await call("GET", "/v1/audit", { token: workspace.apiKey });
    const text = await response.clone().text();
    expect(text).not.toContain(lan.apiKey);
    const audit = await json<{ data: Record<string, unknown>[] }>(response, 200);
    expect(audit.data).toEqual([
      expect.objectContaining({
        agentId: owner.id,
        agentName: "Owner",
        action: "PATCH /v1/agents/:id",
        targetId: lan.id,
        detail: { name: "Lan N." },
        status: 200,
      }),
      expect.objectContaining({
        agentId: owner.id,
        action: "POST /v1/agents",
        targetId: lan.id,
        detail: { name: "Lan", role: "agent" },
        status: 201,
      }),
    ]);
    const mine = await json<{ data: unknown[] }>(await call("GET", `/v1/audit?agentId=${lan.id}`, { token: workspace.apiKey }), 200);
    expect(mine.data).toEqual([]);
  });

  it("names what a creating write made, by id only: never the secret it showed once", async () => {
    const workspace = await createWorkspace();
    const endpoint = await createEndpoint(workspace.apiKey);
    expect(endpoint.secret).toMatch(/^whsec_/);
    const response = await call("GET", "/v1/audit", { token: workspace.apiKey });
    expect(await response.clone().text()).not.toContain(endpoint.secret);
    const audit = await json<{ data: Record<string, unknown>[] }>(response, 200);
    expect(audit.data).toEqual([
      expect.objectContaining({ action: "POST /v1/endpoints", targetId: endpoint.id, detail: null, status: 201 }),
    ]);
  });
});
