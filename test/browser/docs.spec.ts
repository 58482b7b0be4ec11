/**
 * /docs in a real browser, against the same `wrangler dev` as the console spec: the vendored
 * Swagger UI is served from our origin by the assets layer (which the Workers test runtime
 * does not emulate), renders /openapi.json with its operations and webhooks, and the page
 * asks no other host for anything and breaks no rule of its CSP.
 * Run by scripts/browser-test.ts; code that runs in the page is passed as strings.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import type { ConsoleTestContext, StepResult } from "./console.spec.ts";

const WAIT_MS = 15_000;

async function check(name: string, run: () => Promise<void>): Promise<StepResult> {
  const started = Date.now();
  try {
    await run();
    return { name, status: "passed", ms: Date.now() - started };
  } catch (error) {
    return { name, status: "failed", ms: Date.now() - started, error: error instanceof Error ? error.message : String(error) };
  }
}

function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

export async function runDocsSpec(ctx: ConsoleTestContext): Promise<StepResult[]> {
  const results: StepResult[] = [];
  results.push(
    await check("docs: the vendored Swagger UI bundle is served as JavaScript from our origin", async () => {
      const response = await fetch(`${ctx.baseUrl}/docs/vendor/swagger-ui-bundle.js`);
      assert(response.status === 200, `GET /docs/vendor/swagger-ui-bundle.js answered ${response.status}`);
      const type = response.headers.get("content-type") ?? "";
      assert(/javascript/.test(type), `content-type is ${type}`);
      assert((await response.text()).includes("SwaggerUIBundle"), "the bundle does not define SwaggerUIBundle");
    }),
  );

  const page: Page = await ctx.browser.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.protocol !== "data:" && url.host !== new URL(ctx.baseUrl).host) problems.push(`asked another host: ${request.url()}`);
  });
  results.push(
    await check("docs: /docs renders every operation and the event webhooks, offline and within its CSP", async () => {
      await page.goto(`${ctx.baseUrl}/docs`);
      await page.waitForSelector(".opblock", { timeout: WAIT_MS });
      const summaries = await page.locator(".opblock-summary-path").allTextContents();
      assert(
        summaries.some((path) => path.includes("/v1/channels")),
        `no /v1/channels operation among ${summaries.length}`,
      );
      assert(
        summaries.some((path) => path.includes("/webhooks/")),
        "no webhook intake operation",
      );
      const text = (await page.textContent("body")) ?? "";
      assert(text.includes("message.received"), "the event webhooks are not shown");
      await page.screenshot({ path: join(ctx.screenshotDir, "docs.png"), fullPage: false });
      assert(problems.length === 0, problems.join("; "));
    }),
  );
  await page.close().catch(() => undefined);
  return results;
}
