// /openapi.json, checked with a real OpenAPI 3.1 validator. The validator reads its schemas
// from disk, which workerd cannot, so the document is built here from the app itself;
// test/integration/openapi.test.ts proves that the worker serves this same document.
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it, vi } from "vitest";
import { EVENT_TYPES, eventSchemaId } from "../../src/events/schema.ts";

// The app imports the Conversation Durable Object, whose base class only workerd provides.
vi.mock("cloudflare:workers", () => ({ DurableObject: class {} }));

const { app } = await import("../../src/app.ts");
const { openApiDocument } = await import("../../src/openapi/document.ts");

interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, unknown>;
}
interface Document {
  openapi: string;
  info: { title: string; version: string };
  security: Record<string, string[]>[];
  paths: Record<string, Record<string, Operation>>;
  webhooks: Record<string, { post: Operation }>;
  components: {
    schemas: Record<string, { discriminator?: { mapping: Record<string, string> } }>;
    securitySchemes: Record<string, unknown>;
  };
}
const document = openApiDocument(app) as unknown as Document;

function operations(): [string, string, Operation][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => [path, method, op] as [string, string, Operation]),
  );
}

function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refsIn(item, found);
  else if (value && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      if (key === "$ref" && typeof inner === "string") found.push(inner);
      else refsIn(inner, found);
    }
  }
  return found;
}

function resolve(ref: string): unknown {
  return ref
    .replace(/^#\//, "")
    .split("/")
    .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), document);
}

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const result = await new Validator().validate(structuredClone(document) as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe("3.1.0");
    expect(document.info).toMatchObject({ title: "Switchboard", version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });

  it("is judged by a validator that does reject a broken document", async () => {
    const broken = structuredClone(document) as unknown as Record<string, unknown>;
    delete broken.info;
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it("has every $ref pointing at something that exists", () => {
    const refs = [...new Set(refsIn(document))];
    expect(refs.length).toBeGreaterThan(50);
    expect(refs.filter((ref) => resolve(ref) === undefined)).toEqual([]);
  });

  it("names each operation once", () => {
    const ids = operations().map(([, , op]) => op.operationId);
    expect(ids.every((id) => typeof id === "string")).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("asks a workspace API key of /v1, the admin token of POST /v1/workspaces, nothing of the rest", () => {
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(["adminToken", "workspaceApiKey"]);
    expect(document.security).toEqual([{ workspaceApiKey: [] }]);
    for (const [path, method, op] of operations()) {
      const label = `${method.toUpperCase()} ${path}`;
      if (path === "/v1/workspaces") expect(op.security, label).toEqual([{ adminToken: [] }]);
      else if (path.startsWith("/v1/")) expect(op.security, label).toBeUndefined();
      else expect(op.security, label).toEqual([]);
      if (path.startsWith("/v1/")) expect(Object.keys(op.responses), label).toEqual(expect.arrayContaining(["401", "403"]));
    }
  });

  it("documents each /v1 body, path id and page", () => {
    for (const [path, method, op] of operations()) {
      if (!path.startsWith("/v1/")) continue;
      const label = `${method.toUpperCase()} ${path}`;
      const parameters = op.parameters ?? [];
      if (path.includes("{id}")) {
        expect(parameters, label).toContainEqual(expect.objectContaining({ name: "id", in: "path", required: true }));
        expect(Object.keys(op.responses), label).toContain("404");
      }
      if (op.requestBody) {
        expect(Object.keys(op.requestBody.content), label).toEqual(["application/json"]);
        expect(Object.keys(op.responses), label).toContain("400");
      }
      const answer = op.responses["200"] as { content?: Record<string, { schema: { $ref?: string } }> } | undefined;
      if (method === "get" && answer?.content?.["application/json"]?.schema.$ref?.endsWith("List")) {
        expect(
          parameters.map((p) => p.name),
          label,
        ).toEqual(expect.arrayContaining(["limit", "cursor"]));
      }
    }
  });

  it("describes every event type as a webhook with its envelope and the Standard Webhooks headers", () => {
    expect(Object.keys(document.webhooks).sort()).toEqual([...EVENT_TYPES].sort());
    for (const type of EVENT_TYPES) {
      const post = document.webhooks[type]?.post;
      expect(post?.requestBody?.content["application/json"]?.schema, type).toEqual({ $ref: `#/components/schemas/${eventSchemaId(type)}` });
      const headers = (post?.parameters ?? []).filter((p) => p.in === "header").map((p) => p.name);
      expect(headers, type).toEqual(["webhook-id", "webhook-timestamp", "webhook-signature"]);
    }
    const mapping = document.components.schemas.Event?.discriminator?.mapping ?? {};
    expect(Object.keys(mapping).sort()).toEqual([...EVENT_TYPES].sort());
  });
});
