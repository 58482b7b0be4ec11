import { afterEach, describe, expect, it, vi } from "vitest";
import { type Classification, type ClassifyOptions, classify, createAiClassifier } from "../../../../src/route/classifier/index.ts";

const API_KEY = "sk-test-9f8e7d6c5b4a";
const ENDPOINT = "https://llm.example.test/v1/";

function completion(content: string, status = 200): Response {
  return new Response(JSON.stringify({ id: "cmpl-1", choices: [{ index: 0, message: { role: "assistant", content } }] }), {
    status,
    headers: { "content-type": "application/json" },
  });
}

function fakeFetch(answer: (request: Request) => Response | Promise<Response>) {
  const requests: Request[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push(request);
    return answer(request);
  }) as unknown as typeof globalThis.fetch;
  return { fetch, requests };
}

/** What a slow model does: nothing, until the request's signal aborts. */
function neverAnswers(request: Request): Promise<Response> {
  return new Promise((_, reject) => request.signal.addEventListener("abort", () => reject(request.signal.reason)));
}

function expectNoSecret(result: Classification) {
  expect(JSON.stringify(result)).not.toContain(API_KEY);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("createAiClassifier", () => {
  it("uses the model's labels and takes order ids from the built-in extractor", async () => {
    const answer = JSON.stringify({ intent: "refund", sentiment: "negative", language: "en", orderIds: ["999999999"] });
    const { fetch, requests } = fakeFetch(() => completion(answer));
    const classifyWithAi = createAiClassifier({ fetch, endpoint: ENDPOINT, apiKey: API_KEY, model: "small-model", timeoutMs: 1000 });

    const result = await classifyWithAi("money back for order 1234567 please", { orderPatterns: ["SB-(\\d{6})"] });

    expect(result).toMatchObject({ intent: "refund", sentiment: "negative", language: "en", orderIds: ["1234567"] });
    expect(result.signals).toContain("ai:small-model");
    const request = requests[0] as Request;
    expect(request.method).toBe("POST");
    expect(request.url).toBe("https://llm.example.test/v1/chat/completions");
    expect(request.headers.get("authorization")).toBe(`Bearer ${API_KEY}`);
    const body = (await request.json()) as { model: string; messages: { role: string; content: string }[] };
    expect(body.model).toBe("small-model");
    expect(body.messages.at(-1)).toEqual({ role: "user", content: "money back for order 1234567 please" });
    expectNoSecret(result);
  });

  it("accepts labels in another case and a fenced JSON answer", async () => {
    const { fetch } = fakeFetch(() => completion('```json\n{"intent": "Cancel", "sentiment": " NEUTRAL", "language": "vi"}\n```'));
    const result = await createAiClassifier({ fetch, endpoint: ENDPOINT, apiKey: API_KEY, model: "m" })("hủy đơn giúp em");
    expect(result).toMatchObject({ intent: "cancel", sentiment: "neutral", language: "vi" });
  });

  it("falls back on a timeout", async () => {
    const { fetch } = fakeFetch(neverAnswers);
    const result = await createAiClassifier({ fetch, endpoint: ENDPOINT, apiKey: API_KEY, model: "m", timeoutMs: 5 })(
      "where is order 1234567?",
    );
    expect(result).toEqual({
      ...classify("where is order 1234567?"),
      signals: [...classify("where is order 1234567?").signals, "ai_fallback:timeout"],
    });
  });

  it("falls back when the answer is not JSON", async () => {
    const { fetch } = fakeFetch(() => completion("The customer wants a refund."));
    const result = await createAiClassifier({ fetch, endpoint: ENDPOINT, apiKey: API_KEY, model: "m" })("refund please");
    expect(result.intent).toBe("refund");
    expect(result.signals).toContain("ai_fallback:invalid_answer");
  });

  it("falls back when the JSON holds a label outside the vocabulary", async () => {
    const { fetch } = fakeFetch(() => completion('{"intent": "complaint", "sentiment": "negative", "language": "en"}'));
    const result = await createAiClassifier({ fetch, endpoint: ENDPOINT, apiKey: API_KEY, model: "m" })("hello");
    expect(result.signals).toContain("ai_fallback:invalid_answer");
    expect(result.intent).toBe("greeting");
  });

  it("falls back when the body is not a chat completion", async () => {
    const { fetch } = fakeFetch(() => new Response("<html>gateway</html>", { status: 200 }));
    const result = await createAiClassifier({ fetch, endpoint: ENDPOINT, apiKey: API_KEY, model: "m" })("hello");
    expect(result.signals).toContain("ai_fallback:invalid_response");
  });

  it("falls back on a 500, and on a 401 that echoes the key", async () => {
    const failing = fakeFetch(() => new Response("upstream error", { status: 500 }));
    const result = await createAiClassifier({ fetch: failing.fetch, endpoint: ENDPOINT, apiKey: API_KEY, model: "m" })("cancel my order");
    expect(result).toMatchObject({ intent: "cancel" });
    expect(result.signals).toContain("ai_fallback:http_500");

    const echoing = fakeFetch(() => new Response(JSON.stringify({ error: `invalid key ${API_KEY}` }), { status: 401 }));
    const rejected = await createAiClassifier({ fetch: echoing.fetch, endpoint: ENDPOINT, apiKey: API_KEY, model: "m" })("cancel my order");
    expect(rejected.signals).toContain("ai_fallback:http_401");
    expectNoSecret(rejected);
  });

  it("never throws and never repeats the key, even when fetch fails quoting it", async () => {
    const { fetch } = fakeFetch(() => {
      throw new TypeError(`connect failed for Authorization: Bearer ${API_KEY}`);
    });
    const result = await createAiClassifier({ fetch, endpoint: ENDPOINT, apiKey: API_KEY, model: "m" })("where is my order");
    expect(result.signals).toContain("ai_fallback:unreachable");
    expectNoSecret(result);
  });

  it("uses the given fallback, with the caller's options", async () => {
    const { fetch } = fakeFetch(() => new Response("", { status: 503 }));
    const fallback = vi.fn((text: string, options?: ClassifyOptions) => ({ ...classify(text, options), intent: "other" as const }));
    const options = { orderPatterns: ["SB-(\\d{6})"] };
    const result = await createAiClassifier({ fetch, endpoint: ENDPOINT, apiKey: API_KEY, model: "m", fallback })("SB-123456", options);
    expect(fallback).toHaveBeenCalledWith("SB-123456", options);
    expect(result).toMatchObject({ intent: "other", orderIds: ["123456"] });
  });

  it("answers with the built-in classifier when a custom fallback throws", async () => {
    const { fetch } = fakeFetch(() => new Response("", { status: 500 }));
    const fallback = () => {
      throw new Error("broken fallback");
    };
    const result = await createAiClassifier({ fetch, endpoint: ENDPOINT, apiKey: API_KEY, model: "m", fallback })("cancel my order");
    expect(result.intent).toBe("cancel");
  });

  it("logs nothing: neither the message nor the key", async () => {
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation(() => undefined),
    );
    const answers = [
      completion("nope"),
      new Response("", { status: 500 }),
      completion('{"intent":"human","sentiment":"neutral","language":"en"}'),
    ];
    for (const response of answers) {
      const { fetch } = fakeFetch(() => response);
      await createAiClassifier({ fetch, endpoint: ENDPOINT, apiKey: API_KEY, model: "m" })("secret customer text");
    }
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });
});
