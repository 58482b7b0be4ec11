/**
 * One demo run: checks the dev server and its vars, starts the fakes and the receiver, sets the
 * workspace up, proves with one DM that replies reach the fakes, sends the burst with a live
 * progress bar, waits (bounded) for the pipeline to drain, and returns the summary.
 */
import { existsSync, readFileSync } from "node:fs";
import { countTickets } from "../../bench/api.ts";
import { now, startOrderApi } from "../../bench/fakes.ts";
import { progress, say } from "../../bench/progress.ts";
import { expectEffects, loadRouting } from "../../bench/routing.ts";
import { waitUntil } from "../../bench/stats.ts";
import type { TextKind } from "../../bench/texts.ts";
import { apiBaseVar, FAKE_PLATFORM_ORIGIN, FAKE_PLATFORM_PORT, PLATFORMS, parseDevVars, platformsNotOnFakes } from "./dev-vars.ts";
import { FAKE_MODEL_PATH, type FakePlatforms, startFakePlatforms } from "./fake-platforms.ts";
import type { DemoOptions } from "./options.ts";
import { type Plan, planTraffic } from "./plan.ts";
import { DEMO_PLATFORMS, type SignedDm } from "./platforms.ts";
import { startReceiver } from "./receiver.ts";
import { postDm, sendBurst, unsentRecords } from "./send.ts";
import { DemoError, type DemoWorkspace, enableAiTier, isUp, setUpWorkspace } from "./setup.ts";
import { type DemoSummary, type SentDm, summarizeDemo } from "./summary.ts";

const PREFLIGHT_TIMEOUT_MS = 20_000;

const KIND_LABELS: Record<TextKind, string> = {
  order_id: "order questions with an order number",
  order_no_id: "without one",
  size_change: "size changes",
  greeting: "greetings",
  shipping: "shipping questions",
  complaint: "complaints",
  refund: "refund questions",
  cancel: "cancellations",
  human: "asking for a person",
};

function readAdminToken(root: string): string {
  const path = `${root}/.dev.vars`;
  if (!existsSync(path)) throw new DemoError("No .dev.vars here: start `npm run dev` in another terminal first (it creates one).");
  const vars = parseDevVars(readFileSync(path, "utf8"));
  const elsewhere = platformsNotOnFakes(vars);
  if (elsewhere.length > 0) {
    throw new DemoError(
      `.dev.vars does not send every platform's API calls to the demo's fakes on ${FAKE_PLATFORM_ORIGIN}. Put these lines in it and restart \`npm run dev\`:\n` +
        elsewhere.map((platform) => `  ${apiBaseVar(platform)}=${FAKE_PLATFORM_ORIGIN}`).join("\n"),
    );
  }
  const token = vars.get("ADMIN_TOKEN");
  if (!token) throw new DemoError(".dev.vars has no ADMIN_TOKEN: delete .dev.vars and restart `npm run dev` to make a new one.");
  return token;
}

async function startFakes(): Promise<FakePlatforms> {
  try {
    return await startFakePlatforms();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      throw new DemoError(`Port ${FAKE_PLATFORM_PORT} (the fake platform APIs) is taken: is another \`npm run demo\` running?`);
    }
    throw error;
  }
}

/**
 * One greeting DM on the pre-flight channel: its automatic reply must reach the fakes. A
 * plain greeting, because the default rules hand likely complaints to a person instead of
 * answering: the model once read "hello!! 👋" as one (0.41; 0.02 since corpus round 3).
 */
async function preflight(options: DemoOptions, workspace: DemoWorkspace, fakes: FakePlatforms): Promise<void> {
  const dm = { index: 9_999_999, text: "hello 👋", buyer: { index: 999_999, name: "Pre-flight check", platform: "telegram" as const } };
  const { signed, status } = await postDm(options.url, workspace.preflightChannelId, dm);
  if (status !== 200)
    throw new DemoError(`The pre-flight DM was answered ${status ?? "with nothing"}, not 200: see the \`npm run dev\` terminal.`);
  const replied = await waitUntil(() => fakes.replies.has(signed.replyKey), PREFLIGHT_TIMEOUT_MS, 50);
  if (!replied) {
    throw new DemoError(
      `The automatic reply to a pre-flight DM did not reach the fake platform APIs on ${FAKE_PLATFORM_ORIGIN} within ${PREFLIGHT_TIMEOUT_MS / 1000} s.\n` +
        "The dev server does not use them: it was started before .dev.vars had its <PLATFORM>_API_BASE lines, or without `npm run dev`\n" +
        "(plain `wrangler dev` ignores those lines). Restart it with `npm run dev`, then run `npm run demo` again.",
    );
  }
}

/**
 * A check for waitUntil that also knows how long `state()` has not changed: the pipeline has
 * drained when every DM is delivered and nothing new (event or reply) came for a while, and
 * sooner once what the rules predict has arrived.
 */
function quietAfter(state: () => string, isDone: (quietMs: number) => boolean): () => boolean {
  let last = state();
  let since = now();
  return () => {
    const current = state();
    if (current !== last) {
      last = current;
      since = now();
    }
    return isDone(now() - since);
  };
}

function describePlan(plan: Plan): string {
  const twice = plan.dms.filter((dm) => dm.followUp).length;
  const kinds = new Map<string, number>();
  for (const dm of plan.dms) kinds.set(dm.kind, (kinds.get(dm.kind) ?? 0) + 1);
  const mix = Object.entries(KIND_LABELS)
    .filter(([kind]) => kinds.has(kind))
    .map(([kind, label]) => `${kinds.get(kind)} ${label}`);
  const langs = [...new Set(plan.buyers.map((buyer) => buyer.lang))].sort().join("/");
  return `${plan.dms.length} DMs from ${plan.buyers.length} buyers (${twice} write twice), in ${langs}: ${mix.join(", ")}`;
}

export async function runDemo(root: string, options: DemoOptions): Promise<DemoSummary> {
  const adminToken = readAdminToken(root);
  if (!(await isUp(options.url))) {
    throw new DemoError(
      `Nothing answers ${options.url}/health: start \`npm run dev\` in another terminal, wait for "Ready", then run \`npm run demo\` again.`,
    );
  }
  const fakes = await startFakes();
  const receiver = await startReceiver();
  const orderApi = await startOrderApi();
  const name = `Live-sale demo ${new Date().toISOString().slice(0, 19).replace("T", " ")}`;
  say(`Setting up "${name}" on ${options.url} …`);
  const workspace = await setUpWorkspace(options.url, adminToken, {
    name,
    hooksUrl: receiver.hooksUrl,
    orderLookupUrl: orderApi.lookupUrl,
  });
  receiver.verifyWith(workspace.endpointSecret);
  receiver.ignoredChannels.add(workspace.preflightChannelId);
  say(`  channels: ${PLATFORMS.map((platform) => DEMO_PLATFORMS[platform].channelName).join(", ")}; live-sale mode on`);
  say(`  endpoint ${receiver.hooksUrl} (signatures checked with standardwebhooks), order API ${orderApi.url}`);
  say(`  fake platform APIs ${FAKE_PLATFORM_ORIGIN}`);
  say(`\nWatch the escalations arrive: open ${options.url}/console/ and sign in with this workspace's API key:\n\n  ${workspace.apiKey}\n`);

  say("Pre-flight: one DM, whose automatic reply must reach the fake platform APIs …");
  await preflight(options, workspace, fakes);
  fakes.reset();
  if (options.ai) {
    // After the pre-flight, whose DM must get the default rules' reply.
    await enableAiTier(options.url, workspace.apiKey, `${FAKE_PLATFORM_ORIGIN}${FAKE_MODEL_PATH.replace(/\/chat\/completions$/, "")}`);
    say(`AI first tier on: the scripted fake model at ${FAKE_PLATFORM_ORIGIN}${FAKE_MODEL_PATH} and the demo shop's knowledge entries`);
  }
  say("  ok\n");

  const plan = planTraffic({ dms: options.dms, seconds: options.seconds, seed: options.seed });
  const { routing } = await loadRouting(root);
  const expected = routing
    ? expectEffects(
        routing,
        plan.dms.map((dm) => ({ conversation: dm.buyer.index, first: !dm.followUp, text: dm.text })),
      )
    : null;
  say(`Live sale: ${describePlan(plan)}, over ${options.seconds} s`);

  const acknowledged = (sent: readonly SentDm[]) => sent.filter((dm) => dm.status !== null && dm.status >= 200 && dm.status < 300);
  const delivered = (sent: readonly SentDm[]) => acknowledged(sent).filter((dm) => receiver.received.has(dm.platformMessageId)).length;
  const counts = (sent: readonly SentDm[]) =>
    `acked ${acknowledged(sent).length} · delivered ${delivered(sent)} · answered ${fakes.replyCount} · tickets ${receiver.tickets.size}`;
  const sending = progress("sending", plan.dms.length);
  const sent = unsentRecords(plan.dms);
  const ticker = setInterval(() => sending.update(sent.filter((dm) => Number.isFinite(dm.sentAt)).length, counts(sent)), 100);
  const firstSentAt = now();
  const onSigned = (signed: SignedDm) => {
    if (signed.replyToken) fakes.lineReplyTokens.set(signed.replyToken, signed.replyKey);
  };
  await sendBurst({ baseUrl: options.url, channelIds: workspace.channelIds, dms: plan.dms, onSigned }, sent).finally(() =>
    clearInterval(ticker),
  );
  sending.finish(counts(sent));

  const expectedReplies = expected?.filter((effect) => effect.reply).length ?? null;
  const expectedTickets = expected?.filter((effect) => effect.ticket).length ?? null;
  const draining = progress("draining (delivered)", acknowledged(sent).length);
  const drained = await waitUntil(
    quietAfter(
      () => `${receiver.byWebhookId.size}/${fakes.replyCount}`,
      (quietMs) => {
        const predicted =
          expectedReplies !== null && fakes.replyCount >= expectedReplies && receiver.tickets.size >= (expectedTickets ?? 0);
        return delivered(sent) === acknowledged(sent).length && quietMs >= 2000 && (predicted || quietMs >= 8000);
      },
    ),
    options.waitSeconds * 1000,
    100,
    () =>
      draining.update(
        delivered(sent),
        `answered ${fakes.replyCount} · tickets ${receiver.tickets.size} · events ${receiver.byWebhookId.size}`,
      ),
  );
  draining.finish(drained ? "drained" : `timed out after ${options.waitSeconds} s`);

  const ticketsViaApi = await countTickets(options.url, workspace.apiKey).catch(() => null);
  return summarizeDemo(sent, {
    received: receiver.received,
    byType: receiver.byType,
    byWebhookId: receiver.byWebhookId,
    replies: fakes.replies,
    ticketsViaApi,
    signatures: { verified: receiver.verified, rejected: receiver.rejected },
    firstSentAt,
    lastEventAt: receiver.lastNewAt,
    drainTimedOut: !drained,
    expected: expectedReplies === null || expectedTickets === null ? null : { replies: expectedReplies, tickets: expectedTickets },
  });
}
