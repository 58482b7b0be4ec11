// Copies Swagger UI's standalone bundle from node_modules/swagger-ui-dist into
// public/docs/vendor, from where the assets layer serves it to /docs on our own origin: the
// page then needs no CDN (tests and CI are offline; a merchant's CSP may forbid other origins).
//   npm run docs:vendor     after installing or upgrading swagger-ui-dist
// test/unit/openapi-docs-vendor.test.ts fails while the copy differs from the installed package.
import { copyFileSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { readCommandLine } from "./lib/cli.ts";

readCommandLine(
  `usage: npm run docs:vendor

Copies Swagger UI's bundle from node_modules/swagger-ui-dist into public/docs/vendor (served
by /docs). Run it after installing or upgrading swagger-ui-dist.

  --help   this text`,
  () => parseArgs({ options: { help: { type: "boolean", short: "h" } } }),
);

const root = path.join(import.meta.dirname, "..");
const from = path.join(root, "node_modules", "swagger-ui-dist");
const to = path.join(root, "public", "docs", "vendor");
// The bundle and its stylesheet, with the licence texts Apache-2.0 asks to travel with them.
const FILES = ["swagger-ui-bundle.js", "swagger-ui-bundle.js.LICENSE.txt", "swagger-ui.css", "LICENSE", "NOTICE"];

rmSync(to, { recursive: true, force: true });
mkdirSync(to, { recursive: true });
for (const file of FILES) copyFileSync(path.join(from, file), path.join(to, file));
console.log(`copied ${readdirSync(to).length} files from ${path.relative(root, from)} to ${path.relative(root, to)}`);
