// /openapi.json and /docs as the worker serves them, and the contract's error shape for the
// requests the route declarations now validate. The document's validity is checked in
// test/unit/openapi.test.ts (its validator needs the file system).
import { describe, expect, it } from "vitest";
import { app } from "../../src/app.ts";
import { DOCS_ASSETS } from "../../src/openapi/docs-page.ts";
import { openApiDocument } from "../../src/openapi/document.ts";
import { call, createWorkspace, json } from "./helpers.ts";

type Paths = Record<string, Record<string, unknown>>;

describe("GET /openapi.json", () => {
  it("serves, without a credential, the OpenAPI 3.1 document built from the app", async () => {
    const response = await call("GET", "/openapi.json");
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const served = await json<{ openapi: string; paths: Paths }>(response, 200);
    expect(served.openapi).toBe("3.1.0");
    expect(served).toEqual(JSON.parse(JSON.stringify(openApiDocument(app))));
  });

  it("lists every route the app serves, and no route it does not", async () => {
    const served = await json<{ paths: Paths }>(await call("GET", "/openapi.json"), 200);
    const registered = new Set(
      app.routes
        .filter((route) => route.method !== "ALL") // middleware such as the /v1/* auth
        .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, "{$1}")}`),
    );
    const documented = new Set(
      Object.entries(served.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`)),
    );
    expect(registered.size).toBeGreaterThan(30);
    expect([...registered].filter((route) => !documented.has(route))).toEqual([]);
    expect([...documented].filter((route) => !registered.has(route))).toEqual([]);
  });
});

describe("GET /docs", () => {
  it("answers an HTML page that loads its renderer from this origin only", async () => {
    const response = await call("GET", "/docs");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await response.text();
    expect(html).toContain(`<script src="${DOCS_ASSETS.script}"></script>`);
    expect(html).toContain(`href="${DOCS_ASSETS.stylesheet}"`);
    expect(html).toContain(`<script src="${DOCS_ASSETS.init}"></script>`);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });
});

describe("validation through the route declarations", () => {
  it("names the offending query parameter", async () => {
    const { apiKey } = await createWorkspace();
    const body = await json<{ error: { code: string; message: string; details: { path: string }[] } }>(
      await call("GET", "/v1/tickets?status=closed&limit=abc", { token: apiKey }),
      400,
    );
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.details.map((d) => d.path).sort()).toEqual(["limit", "status"]);
    expect(body.error.message).toMatch(/^query is invalid: /);
  });

  it("answers 400 bad_request to a body that is not sent as JSON", async () => {
    const { apiKey } = await createWorkspace();
    const asText = await call("POST", "/v1/endpoints", {
      token: apiKey,
      body: JSON.stringify({ url: "https://example.com/h" }),
      headers: { "content-type": "text/plain" },
    });
    expect(await json(asText, 400)).toMatchObject({ error: { code: "bad_request", message: expect.stringContaining("application/json") } });
    const malformed = await call("POST", "/v1/endpoints", { token: apiKey, body: "{", headers: { "content-type": "application/json" } });
    expect(await json(malformed, 400)).toMatchObject({ error: { code: "bad_request" } });
  });

  it("checks credentials before the body", async () => {
    expect(await json(await call("POST", "/v1/channels", { json: { nonsense: true } }), 401)).toMatchObject({
      error: { code: "unauthorized" },
    });
    expect(await json(await call("POST", "/v1/workspaces", { json: {} }), 401)).toMatchObject({ error: { code: "unauthorized" } });
  });
});
