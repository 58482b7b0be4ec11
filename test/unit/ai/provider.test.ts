import { describe, expect, it } from "vitest";
import { scriptedModelAnswer } from "../../../scripts/ai/fake-model.ts";
import { answerPlatformCall, FAKE_MODEL_PATH } from "../../../scripts/demo/fake-platforms.ts";
import { parseOptions } from "../../../scripts/demo/options.ts";
import { parseOpenAiTurn, parseWorkersAiTurn } from "../../../src/ai/provider.ts";

describe("model answers", () => {
  it("reads OpenAI's tool calls with their JSON arguments, and the usage", () => {
    const turn = parseOpenAiTurn({
      choices: [
        {
          message: {
            content: null,
            tool_calls: [{ id: "c1", type: "function", function: { name: "lookup_order", arguments: '{"orderId":"123"}' } }],
          },
        },
      ],
      usage: { prompt_tokens: 10, completion_tokens: 2 },
    });
    expect(turn).toEqual({
      text: null,
      toolCalls: [{ id: "c1", name: "lookup_order", arguments: { orderId: "123" } }],
      tokens: { prompt: 10, completion: 2 },
    });
  });

  it("takes unreadable arguments as none, and refuses an answer without choices", () => {
    const turn = parseOpenAiTurn({ choices: [{ message: { tool_calls: [{ function: { name: "handoff", arguments: "{not json" } }] } }] });
    expect(turn.toolCalls).toEqual([{ id: "call_0", name: "handoff", arguments: {} }]);
    expect(() => parseOpenAiTurn({ error: "overloaded" })).toThrow(/choices/);
  });

  it("reads Workers AI's own shapes: response and tool_calls with either name/arguments or function", () => {
    expect(parseWorkersAiTurn({ response: "Hello!" })).toEqual({ text: "Hello!", toolCalls: [], tokens: { prompt: 0, completion: 0 } });
    expect(parseWorkersAiTurn({ tool_calls: [{ name: "search_knowledge", arguments: { query: "cod" } }] }).toolCalls).toEqual([
      { id: "call_0", name: "search_knowledge", arguments: { query: "cod" } },
    ]);
    expect(parseWorkersAiTurn({ tool_calls: [{ id: "x", function: { name: "handoff", arguments: { reason: "r" } } }] }).toolCalls).toEqual([
      { id: "x", name: "handoff", arguments: { reason: "r" } },
    ]);
  });
});

describe("the scripted fake model", () => {
  it("looks up a named order, then answers with the status the look-up returned, in the buyer's language", () => {
    const ask = parseOpenAiTurn(scriptedModelAnswer({ messages: [{ role: "user", content: "đơn 576700112233445566 giao chưa shop" }] }));
    expect(ask.toolCalls[0]).toMatchObject({ name: "lookup_order", arguments: { orderId: "576700112233445566" } });
    const answer = parseOpenAiTurn(
      scriptedModelAnswer({
        messages: [
          { role: "user", content: "đơn 576700112233445566 giao chưa shop" },
          { role: "assistant", content: null, tool_calls: [{ function: { name: "lookup_order" } }] },
          { role: "tool", content: JSON.stringify({ found: true, orderId: "576700112233445566", status: "delivered" }) },
        ],
      }),
    );
    expect(answer.text).toBe("Đơn hàng 576700112233445566 của bạn đã giao.");
  });

  it("hands off a request for a person", () => {
    const turn = parseOpenAiTurn(scriptedModelAnswer({ messages: [{ role: "user", content: "ขอคุยกับเจ้าหน้าที่หน่อย" }] }));
    expect(turn.toolCalls[0]).toMatchObject({ name: "handoff", arguments: { reason: "asked for a person" } });
  });
});

describe("npm run demo -- --ai", () => {
  it("takes --ai, and its fakes answer chat/completions as the scripted model", () => {
    expect(parseOptions(["--ai"]).ai).toBe(true);
    expect(parseOptions([]).ai).toBe(false);
    const call = answerPlatformCall(
      "POST",
      new URL(`http://127.0.0.1:8790${FAKE_MODEL_PATH}`),
      { messages: [{ role: "user", content: "can I pay cash on delivery?" }] },
      1,
      new Map(),
    );
    expect(call.status).toBe(200);
    expect(parseOpenAiTurn(call.answer).toolCalls[0]?.name).toBe("search_knowledge");
  });
});
