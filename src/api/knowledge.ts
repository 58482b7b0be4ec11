/** /v1/knowledge: the texts the AI tier may answer from (shipping, returns, payment, sizes…). */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { ApiError } from "../lib/errors.ts";
import { randomId } from "../lib/ids.ts";
import { LanguageSchema } from "../route/rules.ts";
import { openDb } from "../storage/db.ts";
import {
  countKnowledge,
  deleteKnowledge,
  getKnowledge,
  insertKnowledge,
  type KnowledgePatch,
  type KnowledgeRow,
  listKnowledge,
  updateKnowledge,
} from "../storage/knowledge.ts";
import { createRouter } from "./router.ts";
import { errors, IdParamSchema, iso, jsonBody, jsonResponse, listOf, PageQuerySchema, pageOf, TimestampSchema } from "./schemas.ts";

/**
 * Search reads every entry of the workspace for each question: 200 entries of at most 8,000
 * characters keep that under 2 MB and a few milliseconds of CPU.
 */
export const MAX_KNOWLEDGE_ENTRIES = 200;
export const MAX_KNOWLEDGE_TEXT = 8000;
export const MAX_KNOWLEDGE_TITLE = 200;

const fields = {
  title: z.string().trim().min(1).max(MAX_KNOWLEDGE_TITLE),
  text: z.string().trim().min(1).max(MAX_KNOWLEDGE_TEXT),
  language: LanguageSchema.nullable().meta({ description: "`en`, `vi`, `th` or `id`; null or omitted: any language" }),
};

const CreateKnowledgeSchema = z
  .strictObject({ title: fields.title, text: fields.text, language: fields.language.optional() })
  .meta({ id: "CreateKnowledge" });
const PatchKnowledgeSchema = z
  .strictObject({ title: fields.title.optional(), text: fields.text.optional(), language: fields.language.optional() })
  .meta({ id: "PatchKnowledge" });

const KnowledgeSchema = z
  .strictObject({ id: z.string(), title: z.string(), text: z.string(), language: LanguageSchema.nullable(), updatedAt: TimestampSchema })
  .meta({ id: "Knowledge" });

function knowledgeView(row: KnowledgeRow): z.infer<typeof KnowledgeSchema> {
  const language = LanguageSchema.safeParse(row.language);
  return { id: row.id, title: row.title, text: row.text, language: language.success ? language.data : null, updatedAt: iso(row.updatedAt) };
}

const tags = ["Knowledge"];
const notFound = () => new ApiError("not_found", "knowledge entry not found");

export const knowledgeRoutes = createRouter();

knowledgeRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags,
    operationId: "createKnowledge",
    summary: "Add a text the AI tier may answer from",
    request: { body: jsonBody(CreateKnowledgeSchema) },
    responses: { 201: jsonResponse(KnowledgeSchema, "The entry"), ...errors(400, 401, 403, 409) },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const db = openDb(c.env.DB);
    const workspaceId = c.get("workspaceId");
    if ((await countKnowledge(db, workspaceId)) >= MAX_KNOWLEDGE_ENTRIES) {
      throw new ApiError("conflict", `a workspace has at most ${MAX_KNOWLEDGE_ENTRIES} knowledge entries; delete one first`);
    }
    const now = Date.now();
    const row = await insertKnowledge(db, {
      id: randomId("kn"),
      workspaceId,
      title: body.title,
      text: body.text,
      language: body.language ?? null,
      createdAt: now,
      updatedAt: now,
    });
    return c.json(knowledgeView(row), 201);
  },
);

knowledgeRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    operationId: "listKnowledge",
    summary: "List knowledge entries",
    request: { query: PageQuerySchema },
    responses: { 200: jsonResponse(listOf(KnowledgeSchema, "KnowledgeList"), "A page of entries, newest first"), ...errors(400, 401, 403) },
  }),
  async (c) => {
    const listed = await listKnowledge(openDb(c.env.DB), c.get("workspaceId"), pageOf(c.req.valid("query")));
    return c.json({ data: listed.data.map(knowledgeView), nextCursor: listed.nextCursor }, 200);
  },
);

knowledgeRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags,
    operationId: "getKnowledge",
    summary: "Read a knowledge entry",
    request: { params: IdParamSchema },
    responses: { 200: jsonResponse(KnowledgeSchema, "The entry"), ...errors(401, 403, 404) },
  }),
  async (c) => {
    const row = await getKnowledge(openDb(c.env.DB), c.get("workspaceId"), c.req.valid("param").id);
    if (!row) throw notFound();
    return c.json(knowledgeView(row), 200);
  },
);

knowledgeRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    tags,
    operationId: "updateKnowledge",
    summary: "Change a knowledge entry",
    request: { params: IdParamSchema, body: jsonBody(PatchKnowledgeSchema) },
    responses: { 200: jsonResponse(KnowledgeSchema, "The entry"), ...errors(400, 401, 403, 404) },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const patch: KnowledgePatch = { updatedAt: Date.now() };
    if (body.title !== undefined) patch.title = body.title;
    if (body.text !== undefined) patch.text = body.text;
    if (body.language !== undefined) patch.language = body.language;
    const row = await updateKnowledge(openDb(c.env.DB), c.get("workspaceId"), c.req.valid("param").id, patch);
    if (!row) throw notFound();
    return c.json(knowledgeView(row), 200);
  },
);

knowledgeRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    tags,
    operationId: "deleteKnowledge",
    summary: "Delete a knowledge entry",
    request: { params: IdParamSchema },
    responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404) },
  }),
  async (c) => {
    if (!(await deleteKnowledge(openDb(c.env.DB), c.get("workspaceId"), c.req.valid("param").id))) throw notFound();
    return c.body(null, 204);
  },
);
