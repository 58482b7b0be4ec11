/**
 * What every route declaration shares: path ids, pages, JSON bodies and answers, the error
 * body and the error responses. The schemas here validate requests and describe them in
 * /openapi.json: there is no second copy for the docs.
 */
import { z } from "zod";
import type { ApiErrorCode } from "../lib/errors.ts";
import { decodeCursor, type Page } from "../storage/pagination.ts";

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** Security requirement names, as registered in src/openapi/document.ts. */
export const WORKSPACE_KEY_SCHEME = "workspaceApiKey";
export const ADMIN_TOKEN_SCHEME = "adminToken";
/** No credential: health, docs and the platforms' webhooks. */
export const PUBLIC: Record<string, string[]>[] = [];

export const IdParamSchema = z.object({ id: z.string().meta({ description: "The object's id" }) });

const pageSize = `must be a whole number from 1 to ${MAX_PAGE_SIZE}`;

export const PageQuerySchema = z.object({
  limit: z.coerce
    .number({ error: pageSize })
    .int({ error: pageSize })
    .min(1, { error: pageSize })
    .max(MAX_PAGE_SIZE, { error: pageSize })
    .default(DEFAULT_PAGE_SIZE)
    .meta({ description: `Page size (1–${MAX_PAGE_SIZE})` }),
  cursor: z.string().optional().meta({ description: "The `nextCursor` of the previous page" }),
});

/** The validated query → the page storage reads; a malformed cursor is a 400 `bad_request`. */
export function pageOf(query: z.output<typeof PageQuerySchema>): Page {
  return { limit: query.limit, cursor: query.cursor ? decodeCursor(query.cursor) : null };
}

/** Lists answer `{data, nextCursor}`, newest first. */
export function listOf<S extends z.ZodType>(item: S, id: string) {
  return z
    .strictObject({
      data: z.array(item),
      nextCursor: z.string().nullable().meta({ description: "Pass it as `?cursor=` for the next page; null on the last" }),
    })
    .meta({ id });
}

export function jsonBody<S extends z.ZodType>(schema: S) {
  return { required: true, content: { "application/json": { schema } } };
}

export function jsonResponse<S extends z.ZodType>(schema: S, description: string) {
  return { description, content: { "application/json": { schema } } };
}

/** Every code an error can carry; keyed by ApiErrorCode, so a new code cannot go undocumented. */
const ERROR_CODES: Record<ApiErrorCode, string> = {
  bad_request: "400: not JSON, not `content-type: application/json`, or a malformed cursor",
  validation_failed: "400: `details` lists each offending path",
  unauthorized: "401: missing or unknown credential",
  forbidden: "403: a valid credential on a route it may not use",
  not_found: "404: no such object in this workspace",
  method_not_allowed: "405",
  conflict: "409",
  payload_too_large: "413",
  unprocessable: "422: well-formed but not acceptable",
  rate_limited: "429",
  unavailable: "503: temporarily unable; retry",
  internal: "500",
};

export const IssueDetailSchema = z.strictObject({ path: z.string(), message: z.string() }).meta({ id: "IssueDetail" });

export const ErrorBodySchema = z
  .strictObject({
    error: z.strictObject({
      code: z.enum(Object.keys(ERROR_CODES) as [ApiErrorCode, ...ApiErrorCode[]]).meta({
        description: Object.entries(ERROR_CODES)
          .map(([code, when]) => `\`${code}\` (${when})`)
          .join("; "),
      }),
      message: z.string(),
      details: z
        .union([z.array(IssueDetailSchema), z.record(z.string(), z.unknown())])
        .optional()
        .meta({
          description: "`validation_failed`: each offending path; otherwise what the error carries (e.g. a refused reply's reason)",
        }),
    }),
  })
  .meta({ id: "Error" });

/** The error responses routes refer to; src/openapi/document.ts registers them as components. */
export const ERROR_RESPONSES = {
  400: { name: "BadRequest", description: "Malformed (`bad_request`) or invalid (`validation_failed`, with the offending paths)" },
  401: { name: "Unauthorized", description: "No credential, or not a valid one" },
  403: { name: "Forbidden", description: "A valid credential on a route it may not use" },
  404: { name: "NotFound", description: "No such object in this workspace (also another workspace's object)" },
  409: { name: "Conflict", description: "The object is not in a state that allows this" },
  422: { name: "Unprocessable", description: "Well-formed but not acceptable" },
} as const;
export type ErrorStatus = keyof typeof ERROR_RESPONSES;

export function errors<const S extends ErrorStatus[]>(...statuses: S): { [K in S[number]]: { $ref: string } } {
  return Object.fromEntries(statuses.map((status) => [status, { $ref: `#/components/responses/${ERROR_RESPONSES[status].name}` }])) as {
    [K in S[number]]: { $ref: string };
  };
}

/** Times in answers: ISO 8601, UTC. */
export const TimestampSchema = z.iso.datetime({ offset: true });

export function iso(ms: number): string;
export function iso(ms: number | null): string | null;
export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
