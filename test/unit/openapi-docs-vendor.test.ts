// /docs loads Swagger UI from our own origin: the files are vendored in public/docs/vendor by
// `npm run docs:vendor`. These checks keep the copy equal to the installed package (so an
// upgrade cannot drift silently) and the files where the assets layer serves them.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DOCS_ASSETS } from "../../src/openapi/docs-page.ts";

const root = path.join(import.meta.dirname, "..", "..");
const vendored = path.join(root, "public", "docs", "vendor");
const installed = path.join(root, "node_modules", "swagger-ui-dist");
const WORKERS_ASSET_LIMIT = 25 * 1024 * 1024;

describe("the vendored Swagger UI", () => {
  it("is byte for byte the installed swagger-ui-dist", () => {
    const files = readdirSync(vendored);
    expect(files).toEqual(expect.arrayContaining(["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"]));
    for (const file of files) {
      expect(
        readFileSync(path.join(vendored, file)).equals(readFileSync(path.join(installed, file))),
        `${file}: run npm run docs:vendor`,
      ).toBe(true);
    }
  });

  it("holds every file the /docs page loads, each within the Workers asset size limit", () => {
    for (const url of Object.values(DOCS_ASSETS)) {
      const file = path.join(root, "public", url);
      expect(statSync(file).size, url).toBeGreaterThan(0);
      expect(statSync(file).size, url).toBeLessThan(WORKERS_ASSET_LIMIT);
    }
  });

  it("is served by the assets layer: public/ is the assets directory and the worker does not claim those paths", () => {
    const wrangler = readFileSync(path.join(root, "wrangler.toml"), "utf8");
    expect(wrangler).toMatch(/^directory = "\.\/public"$/m);
    const workerFirst = JSON.parse(/^run_worker_first = (\[.*\])$/m.exec(wrangler)?.[1] ?? "null") as string[];
    expect(workerFirst).toEqual(expect.arrayContaining(["/openapi.json", "/docs"]));
    const claims = (url: string) =>
      workerFirst.some((pattern) => (pattern.endsWith("/*") ? url.startsWith(pattern.slice(0, -1)) : url === pattern));
    for (const url of Object.values(DOCS_ASSETS)) expect(claims(url), url).toBe(false);
  });
});
