// Roles on every route: an `agent` key reads what an admin reads and writes only to the inbox.
// The write routes are taken from the app itself, so a route added later is covered here too.
import { describe, expect, it } from "vitest";
import { AGENT_WRITES } from "../../src/api/roles.ts";
import { app } from "../../src/app.ts";
import { call, json, team } from "./helpers.ts";

const READS = new Set(["GET", "HEAD", "OPTIONS"]);
const workspaceRoutes = app.routes.filter(
  (route) => route.method !== "ALL" && route.path.startsWith("/v1/") && route.path !== "/v1/workspaces",
);
const writes = workspaceRoutes.filter((route) => !READS.has(route.method));
const reads = workspaceRoutes.filter((route) => READS.has(route.method));

describe("roles", () => {
  it("knows the routes it walks, and lets agents write only the two inbox routes", () => {
    expect(writes.length).toBeGreaterThan(15);
    expect([...AGENT_WRITES].sort()).toEqual(["PATCH /v1/tickets/:id", "POST /v1/conversations/:id/messages"]);
    for (const allowed of AGENT_WRITES) expect(writes.map((route) => `${route.method} ${route.path}`)).toContain(allowed);
  });

  it("answers an agent key 403 on every other write, before reading its body; an admin key is never refused", async () => {
    const { admin, agent } = await team();
    const outcomes = [];
    for (const route of writes) {
      const path = route.path.replace(/:id\b/g, "xx_missing");
      const asAgent = await call(route.method, path, { token: agent, json: {} });
      const asAdmin = await call(route.method, path, { token: admin, json: {} });
      outcomes.push({ route: `${route.method} ${route.path}`, agent: asAgent.status, admin: asAdmin.status === 403 });
    }
    const expected = writes.map((route) => {
      const key = `${route.method} ${route.path}`;
      // The inbox writes reach their handler: a missing id is a 404 or an empty body a 400, never a 403.
      return { route: key, agent: AGENT_WRITES.has(key) ? expect.toSatisfy((s: number) => s === 400 || s === 404) : 403, admin: false };
    });
    expect(outcomes).toEqual(expected);
  });

  it("lets an agent key read every list and object an admin key reads", async () => {
    const { admin, agent } = await team();
    for (const route of reads) {
      const path = route.path.replace(/:id\b/g, "xx_missing");
      const [asAgent, asAdmin] = await Promise.all([
        call(route.method, path, { token: agent }),
        call(route.method, path, { token: admin }),
      ]);
      expect({ route: route.path, status: asAgent.status }).toEqual({ route: route.path, status: asAdmin.status });
      expect(asAgent.status, route.path).not.toBe(403);
    }
  });

  it("documents the role each workspace operation needs", async () => {
    const document = await json<{ paths: Record<string, Record<string, { "x-required-role"?: string }>> }>(
      await call("GET", "/openapi.json"),
      200,
    );
    const roles = Object.fromEntries(
      workspaceRoutes.map((route) => {
        const operation = document.paths[route.path.replace(/:(\w+)/g, "{$1}")]?.[route.method.toLowerCase()];
        return [`${route.method} ${route.path}`, operation?.["x-required-role"]];
      }),
    );
    for (const route of reads) expect(roles[`${route.method} ${route.path}`]).toBe("agent");
    for (const route of writes) {
      const key = `${route.method} ${route.path}`;
      expect(roles[key], key).toBe(AGENT_WRITES.has(key) ? "agent" : "admin");
    }
  });
});
