// Runs the AI tier's agent (src/ai/agent.ts: the same prompt, tools, loop and grounding
// check the gateway runs) over 80 scripted conversations in English, Vietnamese, Thai and
// Indonesian, and prints how it did. Without options, against the scripted fake model (no
// network: it proves the plumbing, as CI runs it); with --url and --model, against any
// OpenAI-compatible API (key in AI_API_KEY).
import { parseArgs } from "node:util";
import { type AgentContext, type AgentOutcome, type ChatMessage, runAgent, statusesStated } from "../src/ai/agent.ts";
import { completeOpenAi, parseOpenAiTurn } from "../src/ai/provider.ts";
import { searchKnowledge } from "../src/ai/search.ts";
import { EVAL_CASES, EVAL_KNOWLEDGE, EVAL_ORDERS, type EvalCase } from "./ai/eval-set.ts";
import { FAKE_MODEL_NAME, scriptedModelAnswer } from "./ai/fake-model.ts";
import { failUsage, readCommandLine } from "./lib/cli.ts";

const USAGE = `usage: npm run eval:agent -- [--url URL --model NAME] [--timeout S] [--failures]

Runs the AI tier's agent over ${EVAL_CASES.length} scripted conversations (en, vi, th, id) and prints the share
answered and handed off, hand-off precision and recall against the expected outcome, replies
with a claim no tool supported, and the mean time and tokens per answer.

  (no --url)      the scripted fake model: no network; proves the plumbing, not a model
  --url URL       an OpenAI-compatible API's base (POST <url>/chat/completions with tools);
                  its key, if any, in the AI_API_KEY environment variable
  --model NAME    the model to ask (with --url)
  --timeout S     per conversation (default 20)
  --failures      list every conversation whose outcome was not the expected one
  --help          this text`;

const { values } = readCommandLine(USAGE, () =>
  parseArgs({
    options: {
      url: { type: "string" },
      model: { type: "string" },
      timeout: { type: "string", default: "20" },
      failures: { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
  }),
);
if (values.url && !values.model) failUsage(USAGE, "--url needs --model");
const timeoutMs = Number(values.timeout) * 1000;
if (!Number.isInteger(timeoutMs) || timeoutMs < 1000 || timeoutMs > 120_000) failUsage(USAGE, "--timeout must be 1 to 120 seconds");

const model = values.url ? values.model : FAKE_MODEL_NAME;
const complete = values.url
  ? (messages: ChatMessage[], signal: AbortSignal) =>
      completeOpenAi(
        { url: values.url as string, apiKey: process.env.AI_API_KEY ?? null, model: values.model as string },
        messages,
        signal,
        { fetch },
      )
  : async (messages: ChatMessage[]) => parseOpenAiTurn(scriptedModelAnswer({ messages }));

interface Result {
  case: EvalCase;
  outcome: AgentOutcome;
  ms: number;
  /** A claim in the reply no tool result of the turn supports: an order status, a refund, the instructions. */
  unsupported: string | null;
}

const REFUND_PROMISE =
  /\b(we|i)('ll| will) refund|refund (is|has been) (approved|issued)|hoàn tiền ngay|sẽ hoàn tiền|คืนเงินให้แน่นอน|(kami|akan) (kembalikan|refund)/i;

function unsupportedClaim(reply: string, outcome: AgentOutcome): string | null {
  if (/Rules you must follow|tool result of this turn/i.test(reply)) return "revealed its instructions";
  if (REFUND_PROMISE.test(reply)) return "promised a refund";
  const looked = outcome.trace.toolCalls.filter((t) => t.name === "lookup_order").length;
  if (statusesStated(reply).size > 0 && looked === 0) return "stated an order status without a look-up";
  const searched = outcome.trace.toolCalls.some((t) => t.name === "search_knowledge" || t.name === "lookup_order");
  if (/\d/.test(reply.replace(/\d{6,}/g, "")) && !searched) return "stated a figure no tool returned";
  return null;
}

async function runCase(item: EvalCase): Promise<Result> {
  const context: AgentContext = {
    shopName: "Demo Shop",
    platform: "tiktok",
    maxReplyLength: 2000,
    replyWindow: null,
    contactName: null,
    classification: { intent: "unknown", sentiment: "unknown", language: item.language, orderIds: [] },
    recent: [],
    message: item.text,
  };
  const started = performance.now();
  const deadline = Date.now() + timeoutMs;
  const outcome = await runAgent(context, {
    remainingMs: () => deadline - Date.now(),
    takeCall: async () => true,
    complete: (messages) => complete(messages, AbortSignal.timeout(Math.max(1, deadline - Date.now()))),
    lookupOrder: async (orderId) => {
      const order = EVAL_ORDERS[orderId];
      return order ? { found: true, ...order } : { found: false, orderId };
    },
    searchKnowledge: async (query) => searchKnowledge(EVAL_KNOWLEDGE, query, 3).map(({ id, title, text }) => ({ id, title, text })),
  });
  const ms = performance.now() - started;
  const unsupported = outcome.kind === "reply" ? unsupportedClaim(outcome.text, outcome) : null;
  return { case: item, outcome, ms, unsupported };
}

const results: Result[] = [];
for (const item of EVAL_CASES) results.push(await runCase(item));

const pct = (n: number, d: number) => (d === 0 ? "—" : `${((100 * n) / d).toFixed(1)} %`);
const answered = results.filter((r) => r.outcome.kind === "reply");
const handedOff = results.filter((r) => r.outcome.kind === "handoff");
const truePositives = handedOff.filter((r) => r.case.expected === "handoff").length;
const expectedHandoffs = results.filter((r) => r.case.expected === "handoff").length;
const refusedByGrounding = handedOff.filter(
  (r) => r.outcome.kind === "handoff" && r.outcome.reason.startsWith("the AI stated an order status"),
).length;
const unsupported = answered.filter((r) => r.unsupported !== null);
const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

console.log(`# Agent evaluation: ${model}${values.url ? ` at ${values.url}` : " (scripted fake: proves the plumbing, not a model)"}\n`);
console.log("| measure | value |\n| --- | --- |");
console.log(
  `| conversations | ${results.length} (${["en", "vi", "th", "id"].map((l) => `${l} ${results.filter((r) => r.case.language === l).length}`).join(", ")}) |`,
);
console.log(`| answered | ${answered.length} (${pct(answered.length, results.length)}) |`);
console.log(`| handed off | ${handedOff.length} (${pct(handedOff.length, results.length)}) |`);
console.log(
  `| hand-off precision | ${pct(truePositives, handedOff.length)} (${truePositives} of ${handedOff.length} hand-offs were expected) |`,
);
console.log(`| hand-off recall | ${pct(truePositives, expectedHandoffs)} (${truePositives} of ${expectedHandoffs} expected hand-offs) |`);
console.log(
  `| replies with an unsupported claim | ${unsupported.length} of ${answered.length} sent; ${refusedByGrounding} more refused by the grounding check |`,
);
console.log(`| mean time per answer | ${mean(answered.map((r) => r.ms)).toFixed(1)} ms |`);
console.log(`| mean tokens per answer | ${mean(answered.map((r) => r.outcome.trace.tokens.total)).toFixed(0)} |`);

console.log("\n| kind | cases | as expected |\n| --- | --- | --- |");
for (const kind of [...new Set(results.map((r) => r.case.kind))]) {
  const ofKind = results.filter((r) => r.case.kind === kind);
  const right = ofKind.filter((r) => (r.outcome.kind === "reply" ? "answer" : "handoff") === r.case.expected);
  console.log(`| ${kind} | ${ofKind.length} | ${right.length} |`);
}

const wrong = results.filter((r) => (r.outcome.kind === "reply" ? "answer" : "handoff") !== r.case.expected || r.unsupported);
if (values.failures && wrong.length > 0) {
  console.log("\n## Not as expected\n");
  for (const r of wrong) {
    const got = r.outcome.kind === "reply" ? `answered "${r.outcome.text}"` : `handed off: ${r.outcome.reason}`;
    console.log(
      `- [${r.case.language}, ${r.case.kind}] "${r.case.text}": expected ${r.case.expected}, ${got}${r.unsupported ? ` (${r.unsupported})` : ""}`,
    );
  }
}

// Against the scripted fake every outcome is known: anything else is broken plumbing (CI).
if (!values.url && (wrong.length > 0 || refusedByGrounding > 0)) {
  console.error(`\n${wrong.length} conversations were not as expected with the scripted fake: the agent's plumbing is broken.`);
  process.exit(1);
}
