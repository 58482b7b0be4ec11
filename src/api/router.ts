/**
 * How every API router is made: an OpenAPIHono whose routes are declared with the zod
 * schemas that validate them, and whose validation failures become our ApiError, so the
 * error shape (`{"error": {code, message, details}}`, details naming each bad path) is the
 * same for a body, a query or a path.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env.ts";
import { ApiError } from "../lib/errors.ts";
import { describeIssues, summarizeIssues } from "../lib/zod-issues.ts";

const PART_NAMES: Record<string, string> = { json: "request body", query: "query", param: "path", header: "headers" };

export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (result.success) return;
      const part = PART_NAMES[result.target] ?? result.target;
      // A body can be wrong in many places: the details list them. A query or path is short enough to say in the message.
      const message = result.target === "json" ? `${part} is invalid` : `${part} is invalid: ${summarizeIssues(result.error)}`;
      throw new ApiError("validation_failed", message, describeIssues(result.error));
    },
  });
}
