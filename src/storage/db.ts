/** The drizzle handle over D1. Only src/storage imports drizzle. */
import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema.ts";

export function openDb(d1: D1Database) {
  return drizzle(d1, { schema, casing: "snake_case" });
}

export type Db = ReturnType<typeof openDb>;
