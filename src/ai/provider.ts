/**
 * The model behind the AI tier: any OpenAI-compatible API (`POST <url>/chat/completions` with
 * `tools`), or the deployment's Workers AI binding when no URL is set. Both answer in their
 * own shapes; `parseOpenAiTurn` and `parseWorkersAiTurn` turn them into one `ModelTurn`.
 */
import { z } from "zod";
import { AGENT_TOOLS, type ChatMessage, type ModelTurn, type ToolCall } from "./agent.ts";

/** What the Workers AI binding offers us; declared here because the binding is optional. */
export interface WorkersAi {
  run(model: string, input: Record<string, unknown>, options?: Record<string, unknown>): Promise<unknown>;
}

/** Replies are short: this caps the cost of one call and of a runaway answer. */
const MAX_TOKENS = 600;
/** An answer bigger than this is not a chat reply: refused before parsing. */
const MAX_RESPONSE_BYTES = 256 * 1024;

const UsageSchema = z
  .looseObject({ prompt_tokens: z.number().optional(), completion_tokens: z.number().optional() })
  .nullish()
  .transform((u) => ({ prompt: u?.prompt_tokens ?? 0, completion: u?.completion_tokens ?? 0 }));

const OpenAiToolCallSchema = z.looseObject({
  id: z.string().optional(),
  function: z.looseObject({ name: z.string(), arguments: z.union([z.string(), z.record(z.string(), z.unknown())]).optional() }),
});

const OpenAiResponseSchema = z.looseObject({
  choices: z
    .array(
      z.looseObject({
        message: z.looseObject({ content: z.string().nullish(), tool_calls: z.array(OpenAiToolCallSchema).nullish() }),
      }),
    )
    .min(1),
  usage: UsageSchema,
});

/** Workers AI's own shape (`response`, `tool_calls` with either `{name, arguments}` or OpenAI's `function`). */
const WorkersAiResponseSchema = z.looseObject({
  response: z.string().nullish(),
  tool_calls: z
    .array(
      z.union([
        OpenAiToolCallSchema,
        z.looseObject({
          id: z.string().optional(),
          name: z.string(),
          arguments: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
        }),
      ]),
    )
    .nullish(),
  usage: UsageSchema,
});

function toolCall(raw: { id?: string; name: string; arguments?: string | Record<string, unknown> }, i: number): ToolCall {
  let args: Record<string, unknown> = {};
  if (typeof raw.arguments === "string") {
    try {
      const parsed: unknown = JSON.parse(raw.arguments);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) args = parsed as Record<string, unknown>;
    } catch {
      // A model's malformed arguments: the tool answers that the argument is missing.
    }
  } else if (raw.arguments) args = raw.arguments;
  return { id: raw.id ?? `call_${i}`, name: raw.name, arguments: args };
}

export function parseOpenAiTurn(body: unknown): ModelTurn {
  const parsed = OpenAiResponseSchema.safeParse(body);
  if (!parsed.success) throw new Error("the model's API answered without choices[0].message");
  const message = parsed.data.choices[0]?.message;
  return {
    text: message?.content ?? null,
    toolCalls: (message?.tool_calls ?? []).map((c, i) => toolCall({ id: c.id, ...c.function }, i)),
    tokens: parsed.data.usage,
  };
}

export function parseWorkersAiTurn(body: unknown): ModelTurn {
  // Some Workers AI models answer in OpenAI's shape.
  if (body && typeof body === "object" && "choices" in body) return parseOpenAiTurn(body);
  const parsed = WorkersAiResponseSchema.safeParse(body);
  if (!parsed.success) throw new Error("Workers AI answered in an unknown shape");
  return {
    text: parsed.data.response ?? null,
    toolCalls: (parsed.data.tool_calls ?? []).map((c, i) =>
      toolCall(
        "name" in c && typeof c.name === "string"
          ? (c as { id?: string; name: string })
          : { id: c.id, ...(c as z.infer<typeof OpenAiToolCallSchema>).function },
        i,
      ),
    ),
    tokens: parsed.data.usage,
  };
}

export interface ProviderIo {
  fetch: typeof fetch;
}

/** One call to an OpenAI-compatible API; `signal` carries the turn's deadline. */
export async function completeOpenAi(
  target: { url: string; apiKey: string | null; model: string },
  messages: ChatMessage[],
  signal: AbortSignal,
  io: ProviderIo,
): Promise<ModelTurn> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (target.apiKey) headers.authorization = `Bearer ${target.apiKey}`;
  const call = io.fetch(`${target.url.replace(/\/+$/, "")}/chat/completions`, {
    method: "POST",
    headers,
    redirect: "manual",
    signal,
    body: JSON.stringify({
      model: target.model,
      messages,
      tools: AGENT_TOOLS,
      tool_choice: "auto",
      max_tokens: MAX_TOKENS,
      temperature: 0.2,
    }),
  });
  // The deadline holds even where a fetch does not honour its signal while reading the body.
  const response = await untilAborted(call, signal);
  const text = await untilAborted(response.text(), signal);
  if (text.length > MAX_RESPONSE_BYTES) throw new Error("the model's API answered with more than 256 KiB");
  // The status and the API's own error message, never our request (it holds buyers' words).
  if (!response.ok) throw new Error(`the model's API answered HTTP ${response.status}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error("the model's API answered with something other than JSON");
  }
  return parseOpenAiTurn(body);
}

/** One call to Workers AI; the binding takes no signal, so the deadline races it. */
export async function completeWorkersAi(ai: WorkersAi, model: string, messages: ChatMessage[], signal: AbortSignal): Promise<ModelTurn> {
  const run = ai.run(model, { messages, tools: AGENT_TOOLS, max_tokens: MAX_TOKENS, temperature: 0.2 });
  return parseWorkersAiTurn(await untilAborted(run, signal));
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  const aborted = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
  // The loser's rejection must not surface as unhandled.
  aborted.catch(() => {});
  work.catch(() => {});
  return Promise.race([work, aborted]);
}
