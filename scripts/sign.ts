// Signs a sample webhook as the platform would, so it can be sent to a local gateway.
//   npm run -s sign -- tiktok <file> --app-key K --app-secret S            prints a curl command
//   npm run -s sign -- tiktok <file> --app-key K --app-secret S --url URL  sends it
// The body's signed `timestamp` is moved to now: the gateway refuses one over 72 h old.
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    "app-key": { type: "string" },
    "app-secret": { type: "string" },
    url: { type: "string" },
  },
});
const [platform, file] = positionals;

function fail(message: string): never {
  console.error(`${message}\nusage: npm run -s sign -- tiktok <file> --app-key K --app-secret S [--url URL]`);
  process.exit(2);
}

if (platform !== "tiktok") fail(`unsupported platform '${platform ?? ""}' (supported: tiktok)`);
if (!file) fail("missing <file>");
const appKey = values["app-key"] ?? fail("missing --app-key");
const appSecret = values["app-secret"] ?? fail("missing --app-secret");

const body = readFileSync(file, "utf8").replace(/("timestamp":\s*)\d+/, `$1${Math.floor(Date.now() / 1000)}`);
const signature = createHmac("sha256", appSecret).update(appKey).update(body).digest("hex");

if (!values.url) {
  const quoted = `'${body.replace(/'/g, `'\\''`)}'`;
  console.log(`curl -sS -X POST "$URL" -H 'content-type: application/json' -H 'authorization: ${signature}' --data-binary ${quoted}`);
} else {
  const response = await fetch(values.url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: signature },
    body,
  });
  console.log(`${response.status} ${await response.text()}`);
  if (!response.ok) process.exit(1);
}
