/** The drizzle handle over D1. Only src/storage imports drizzle. */
import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema.ts";

function connect(d1: D1Database) {
  return drizzle(d1, { schema, casing: "snake_case" });
}

export type Db = ReturnType<typeof connect>;

/**
 * One handle per binding, kept for the isolate: making one walks the whole schema, and its
 * column-name cache is per handle (the worker's CPU profile showed both on every message).
 */
const handles = new WeakMap<D1Database, Db>();

export function openDb(d1: D1Database): Db {
  let db = handles.get(d1);
  if (!db) {
    db = connect(d1);
    handles.set(d1, db);
  }
  return db;
}
