// A function that builds a D1 statement without running it says so in its name
// (`…Statement`, `…Statements`): a caller can tell at a glance whether `f(db, …)` wrote
// anything, or only made something to put in a batch (and run by awaiting it).
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../../../src");
const DIRS = ["storage", "actions", "deliver"];

/** Exported, not async, and its body builds an insert, update or delete without awaiting anything. */
function statementBuilders(source: string): string[] {
  const names: string[] = [];
  for (const match of source.matchAll(/^export function (\w+)\([\s\S]*?\n\}/gm)) {
    const [body, name] = match as unknown as [string, string];
    if (/\.(insert|update|delete)\(/.test(body) && !/\bawait\b/.test(body) && !/\): Promise</.test(body)) names.push(name);
  }
  return names;
}

describe("statement builders", () => {
  it("finds a builder and leaves a function that runs its statement alone", () => {
    const source = [
      "export function insertThing(db: Db, row: Row) {\n  return db.insert(things).values(row);\n}",
      "export async function saveThing(db: Db, row: Row) {\n  await db.insert(things).values(row);\n}",
      "export function readThing(db: Db): Promise<Row> {\n  return db.select().from(things).get();\n}",
    ].join("\n");
    expect(statementBuilders(source)).toEqual(["insertThing"]);
  });

  it("are named …Statement or …Statements", () => {
    const found = DIRS.flatMap((dir) =>
      readdirSync(join(SRC, dir))
        .filter((file) => file.endsWith(".ts"))
        .flatMap((file) => statementBuilders(readFileSync(join(SRC, dir, file), "utf8")).map((name) => `${dir}/${file}: ${name}`)),
    );
    expect(found).toContain("storage/inbox.ts: upsertContactStatement");
    expect(found.filter((entry) => !/Statements?$/.test(entry))).toEqual([]);
  });
});
