// A tiny local subscriber: prints every delivery and verifies its Standard Webhooks
// signature with the standardwebhooks library (an implementation independent of ours).
//   npm run receiver -- --secret whsec_... [--port 9000]
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { Webhook } from "standardwebhooks";
import { failUsage, readCommandLine } from "./lib/cli.ts";

const USAGE = `usage: npm run receiver -- [--secret whsec_...] [--port 9000]

A local webhook endpoint on 127.0.0.1: prints every delivery and verifies its signature
with the standardwebhooks library.

  --secret S   the endpoint's whsec_ secret (default: $WEBHOOK_SECRET; without one, nothing is verified)
  --port N     the port to listen on (default: $PORT or 9000)
  --help       this text`;

const { values } = readCommandLine(USAGE, () =>
  parseArgs({
    options: {
      secret: { type: "string", default: process.env.WEBHOOK_SECRET },
      port: { type: "string", default: process.env.PORT ?? "9000" },
      help: { type: "boolean", short: "h" },
    },
  }),
);
if (!/^\d+$/.test(values.port) || Number(values.port) < 1 || Number(values.port) > 65535)
  failUsage(USAGE, `--port must be a port number from 1 to 65535, not '${values.port}'`);

function openWebhook(secret: string | undefined): Webhook | null {
  if (!secret) return null;
  try {
    return new Webhook(secret);
  } catch {
    // Not the library's message: it could quote the secret.
    failUsage(USAGE, "--secret is not a whsec_ secret (whsec_ and base64)");
  }
}

const webhook = openWebhook(values.secret);
if (!webhook) console.warn("no --secret given: deliveries are printed but not verified");

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
    let verdict = "unverified";
    let status = 204;
    if (webhook) {
      try {
        webhook.verify(body, headers);
        verdict = "signature verified ✓";
      } catch (error) {
        verdict = `SIGNATURE REJECTED ✗ (${(error as Error).message})`;
        status = 400;
      }
    }
    let summary = body;
    try {
      const event = JSON.parse(body) as { id: string; type: string; data: unknown };
      summary = `${event.type} ${event.id}\n${JSON.stringify(event.data, null, 2)}`;
    } catch {
      // not JSON: print as is
    }
    console.log(
      `\n${new Date().toISOString()} ${request.method} ${request.url} webhook-id=${headers["webhook-id"]} — ${verdict}\n${summary}`,
    );
    response.writeHead(status).end();
  });
});

server.listen(Number(values.port), "127.0.0.1", () => {
  console.log(`receiver listening on http://127.0.0.1:${values.port}/ (Ctrl-C to stop)`);
});
