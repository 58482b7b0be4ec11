/** Request parsing at the API boundary: zod schemas, errors that name the bad paths. */
import type { Context } from "hono";
import type { z } from "zod";
import { ApiError } from "../lib/errors.ts";
import { describeIssues } from "../lib/zod-issues.ts";
import { decodeCursor, type Page } from "../storage/pagination.ts";

export async function parseJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let json: unknown;
  try {
    json = await c.req.json();
  } catch {
    throw new ApiError("bad_request", "request body must be JSON");
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ApiError("validation_failed", "request body is invalid", describeIssues(parsed.error));
  return parsed.data;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export function parsePage(c: Context): Page {
  const limitText = c.req.query("limit");
  let limit = DEFAULT_PAGE_SIZE;
  if (limitText !== undefined) {
    limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new ApiError("validation_failed", `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`, [
        { path: "limit", message: "out of range" },
      ]);
    }
  }
  const cursor = c.req.query("cursor");
  return { limit, cursor: cursor ? decodeCursor(cursor) : null };
}

export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
