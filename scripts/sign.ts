// Signs a sample webhook as the platform would, so it can be sent to a local gateway.
//   npm run -s sign -- tiktok <file> --app-key K --app-secret S            prints a curl command
//   npm run -s sign -- tiktok <file> --app-key K --app-secret S --url URL  sends it
// The body's signed `timestamp` is moved to now: the gateway refuses one over 72 h old.
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { failUsage, readCommandLine } from "./lib/cli.ts";

const USAGE = `usage: npm run -s sign -- tiktok <file> --app-key K --app-secret S [--url URL]

Signs a sample webhook body as TikTok Shop would (its timestamp moved to now). Without
--url, prints a curl command (POST to $URL); with it, sends the webhook and prints the answer.

  --app-key K      the app's key (the signature covers it)
  --app-secret S   the app's secret (the HMAC key)
  --url URL        the channel's webhook URL, e.g. http://127.0.0.1:8787/webhooks/tiktok/<channel id>
  --help           this text`;

const { values, positionals } = readCommandLine(USAGE, () =>
  parseArgs({
    allowPositionals: true,
    options: {
      "app-key": { type: "string" },
      "app-secret": { type: "string" },
      url: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  }),
);
const [platform, file, ...extra] = positionals;

function fail(message: string): never {
  return failUsage(USAGE, message);
}

if (platform !== "tiktok") fail(`unsupported platform '${platform ?? ""}' (supported: tiktok)`);
if (!file) fail("missing <file>");
if (extra.length > 0) fail(`unexpected argument '${extra[0]}'`);
const appKey = values["app-key"] ?? fail("missing --app-key");
const appSecret = values["app-secret"] ?? fail("missing --app-secret");

let text = "";
try {
  text = readFileSync(file, "utf8");
} catch (error) {
  fail(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
}
const body = text.replace(/("timestamp":\s*)\d+/, `$1${Math.floor(Date.now() / 1000)}`);
const signature = createHmac("sha256", appSecret).update(appKey).update(body).digest("hex");

if (!values.url) {
  const quoted = `'${body.replace(/'/g, `'\\''`)}'`;
  console.log(`curl -sS -X POST "$URL" -H 'content-type: application/json' -H 'authorization: ${signature}' --data-binary ${quoted}`);
} else {
  const url = values.url;
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: signature },
    body,
  }).catch((error: unknown) => {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    console.error(`could not POST to ${url}: ${cause} (is \`npm run dev\` running?)`);
    process.exit(1);
  });
  console.log(`${response.status} ${await response.text()}`);
  if (!response.ok) process.exit(1);
}
