// Every input has a bound: what a client sees past each one (CONTRACT, "Limits and bad input").
import { describe, expect, it } from "vitest";
import { MAX_ENDPOINTS_PER_WORKSPACE } from "../../src/api/endpoints.ts";
import { MAX_API_BODY_BYTES } from "../../src/app.ts";
import { TIKTOK_TEST_APP } from "../fixtures/tiktok/index.ts";
import { ADMIN_TOKEN, call, createEndpoint, createWorkspace, json } from "./helpers.ts";

interface ErrorBody {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}

async function refused(response: Response, status: number, path?: string): Promise<ErrorBody> {
  const body = await json<ErrorBody>(response, status);
  if (path) expect(body.error.details?.map((d) => d.path)).toContain(path);
  return body;
}

function patchSettings(apiKey: string, body: unknown) {
  return call("PATCH", "/v1/settings", { token: apiKey, json: body });
}

describe("bounds", () => {
  it("answers 413 for a /v1 body over 256 KiB, and reads one just under", async () => {
    const body = (size: number) => {
      const json = JSON.stringify({ name: "Padded" });
      return json + " ".repeat(size - json.length);
    };
    const post = (size: number) =>
      call("POST", "/v1/workspaces", { token: ADMIN_TOKEN, body: body(size), headers: { "content-type": "application/json" } });
    await json(await post(MAX_API_BODY_BYTES), 201);
    const tooLarge = await refused(await post(MAX_API_BODY_BYTES + 1), 413);
    expect(tooLarge.error.code).toBe("payload_too_large");
  });

  it("takes response windows up to 30 days, live sale's too", async () => {
    const { apiKey } = await createWorkspace();
    await json(await patchSettings(apiKey, { responseWindowSeconds: 2_592_000, liveSale: { responseWindowSeconds: 2_592_000 } }), 200);
    await refused(await patchSettings(apiKey, { responseWindowSeconds: 9e12 }), 400, "responseWindowSeconds");
    await refused(await patchSettings(apiKey, { liveSale: { responseWindowSeconds: 2_592_001 } }), 400, "liveSale.responseWindowSeconds");
    // The tickets list, which once threw on a 9e12 window, still answers.
    await json(await call("GET", "/v1/tickets", { token: apiKey }), 200);
  });

  it("answers SLA metrics for up to 93 days", async () => {
    const { apiKey } = await createWorkspace();
    const to = "2026-12-01T00:00:00Z";
    const metrics = (from: string) => call("GET", `/v1/metrics/sla?from=${from}&to=${to}`, { token: apiKey });
    await json(await metrics("2026-08-30T00:00:00Z"), 200);
    await refused(await metrics("2026-08-29T23:59:59Z"), 400, "from");
  });

  it("keeps events at least as long as their retries run", async () => {
    const { apiKey } = await createWorkspace();
    // The default schedule runs about 28 h: three days at the least.
    const tooShort = await refused(await patchSettings(apiKey, { deliveries: { retentionDays: 2 } }), 400, "deliveries.retentionDays");
    expect(tooShort.error.message).toMatch(/at least 3 days/);
    await json(await patchSettings(apiKey, { deliveries: { retentionDays: 3 } }), 200);
    // A short schedule allows a shorter retention; a longer one is refused while retention stays.
    await json(await patchSettings(apiKey, { deliveries: { retryDelaysSeconds: [5, 60], retentionDays: 2 } }), 200);
    await refused(
      await patchSettings(apiKey, { deliveries: { retryDelaysSeconds: [43200, 43200, 43200] } }),
      400,
      "deliveries.retentionDays",
    );
  });

  it(`subscribes at most ${MAX_ENDPOINTS_PER_WORKSPACE} endpoints per workspace`, async () => {
    const { apiKey } = await createWorkspace();
    for (let i = 0; i < MAX_ENDPOINTS_PER_WORKSPACE; i++) await createEndpoint(apiKey);
    const response = await call("POST", "/v1/endpoints", { token: apiKey, json: { url: "http://127.0.0.1:9999/one-more" } });
    expect((await refused(response, 409)).error.message).toMatch(/at most 20 endpoints/);
  });

  it("bounds credentials, order-lookup headers and templates, naming the path", async () => {
    const { apiKey } = await createWorkspace();
    const channel = (accessToken: string) =>
      call("POST", "/v1/channels", {
        token: apiKey,
        json: { platform: "tiktok", name: "Shop", credentials: { ...TIKTOK_TEST_APP, accessToken } },
      });
    await json(await channel("t".repeat(4096)), 201);
    await refused(await channel("t".repeat(4097)), 400, "credentials.accessToken");

    const lookup = (headers: Record<string, string>) =>
      patchSettings(apiKey, { orderLookup: { url: "http://127.0.0.1:9999/o/{orderId}", headers } });
    await json(await lookup({ authorization: "k".repeat(4096) }), 200);
    await refused(await lookup({ authorization: "k".repeat(4097) }), 400, "orderLookup.headers.authorization");
    await refused(await lookup(Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`x-h${i}`, "v"]))), 400, "orderLookup.headers");

    const templates = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`t${i}`, { default: "hi" }]));
    await refused(await call("PUT", "/v1/rules", { token: apiKey, json: { rules: [], templates } }), 400, "templates");
  });
});
