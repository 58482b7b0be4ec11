/** The OpenAPI registry the document's parts add to; its own module so they need not import the document. */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env.ts";

export type Registry = OpenAPIHono<AppEnv>["openAPIRegistry"];
