import { afterEach, describe, expect, it, vi } from "vitest";
import { readConfig } from "../../../src/env.ts";
import { classifyMessage } from "../../../src/route/classify.ts";

afterEach(() => vi.restoreAllMocks());

describe("the classifier routing uses", () => {
  it("is the built-in one unless an AI endpoint is configured", async () => {
    const spy = vi.spyOn(globalThis, "fetch");
    const config = readConfig({});
    expect(config.aiClassifier).toBeNull();
    const result = await classifyMessage(config, "where is order 576700112233445566?", []);
    expect(result).toMatchObject({ intent: "order_status", orderIds: ["576700112233445566"] });
    expect(spy).not.toHaveBeenCalled();
  });

  it("asks the configured model, keeps order ids from the built-in extractor, and falls back when it fails", async () => {
    const config = readConfig({
      AI_CLASSIFIER_URL: "https://llm.example/v1",
      AI_CLASSIFIER_API_KEY: "sk-test",
      AI_CLASSIFIER_MODEL: "tiny",
    });
    const spy = vi
      .spyOn(globalThis, "fetch")
      .mockResolvedValueOnce(
        Response.json({ choices: [{ message: { content: '{"intent":"refund","sentiment":"negative","language":"en"}' } }] }),
      );
    const labelled = await classifyMessage(config, "order 576700112233445566 please", []);
    expect(labelled).toMatchObject({ intent: "refund", sentiment: "negative", orderIds: ["576700112233445566"] });
    const request = new Request(spy.mock.calls[0]?.[0] as string, spy.mock.calls[0]?.[1]);
    expect(request.url).toBe("https://llm.example/v1/chat/completions");
    expect(request.headers.get("authorization")).toBe("Bearer sk-test");

    spy.mockResolvedValueOnce(new Response("overloaded", { status: 503 }));
    const fallback = await classifyMessage(config, "where is order 576700112233445566?", []);
    expect(fallback).toMatchObject({ intent: "order_status", orderIds: ["576700112233445566"] });
  });
});
