// A tiny local subscriber: prints every delivery and verifies its Standard Webhooks
// signature with the standardwebhooks library (an implementation independent of ours).
//   npm run receiver -- --secret whsec_... [--port 9000]
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { Webhook } from "standardwebhooks";

const { values } = parseArgs({
  options: {
    secret: { type: "string", default: process.env.WEBHOOK_SECRET },
    port: { type: "string", default: process.env.PORT ?? "9000" },
  },
});
const webhook = values.secret ? new Webhook(values.secret) : null;
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
