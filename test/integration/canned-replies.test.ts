// Canned replies live in the workspace's settings: admins write them, every agent reads them.
import { describe, expect, it } from "vitest";
import { call, json, team } from "./helpers.ts";

const REPLIES = [
  { title: "Where is my order", text: "Hi {{contact.name}}, order {{order.id}} is {{order.status}}." },
  { title: "Thanks", text: "Thank you for shopping with us!" },
];

describe("canned replies", () => {
  it("are empty by default, set by an admin, read by an agent, and refused to an agent's write", async () => {
    const { admin, agent } = await team();
    expect((await json<{ cannedReplies: unknown[] }>(await call("GET", "/v1/settings", { token: agent }), 200)).cannedReplies).toEqual([]);

    const saved = await json<{ cannedReplies: unknown[] }>(
      await call("PATCH", "/v1/settings", { token: admin, json: { cannedReplies: REPLIES } }),
      200,
    );
    expect(saved.cannedReplies).toEqual(REPLIES);
    const read = await json<{ cannedReplies: unknown[] }>(await call("GET", "/v1/settings", { token: agent }), 200);
    expect(read.cannedReplies).toEqual(REPLIES);

    const refused = await json<{ error: { code: string } }>(
      await call("PATCH", "/v1/settings", { token: agent, json: { cannedReplies: [] } }),
      403,
    );
    expect(refused.error.code).toBe("forbidden");
    expect((await json<{ cannedReplies: unknown[] }>(await call("GET", "/v1/settings", { token: admin }), 200)).cannedReplies).toEqual(
      REPLIES,
    );
  });

  it("answers 400 naming the field for an empty title, an overlong text, a duplicate title or too many", async () => {
    const { admin } = await team();
    const cases: [unknown, string][] = [
      [[{ title: " ", text: "Hi" }], "cannedReplies.0.title"],
      [[{ title: "Hi", text: "x".repeat(4097) }], "cannedReplies.0.text"],
      [
        [
          { title: "Hi", text: "a" },
          { title: "HI", text: "b" },
        ],
        "cannedReplies.1.title",
      ],
      [Array.from({ length: 51 }, (_, i) => ({ title: `Reply ${i}`, text: "x" })), "cannedReplies"],
      ["not a list", "cannedReplies"],
    ];
    for (const [cannedReplies, path] of cases) {
      const answer = await json<{ error: { code: string; details: { path: string }[] } }>(
        await call("PATCH", "/v1/settings", { token: admin, json: { cannedReplies } }),
        400,
      );
      expect(answer.error.code).toBe("validation_failed");
      expect(answer.error.details.map((d) => d.path)).toContain(path);
    }
    expect((await json<{ cannedReplies: unknown[] }>(await call("GET", "/v1/settings", { token: admin }), 200)).cannedReplies).toEqual([]);
  });

  it("are described in the OpenAPI document", async () => {
    const document = await json<{ components: { schemas: Record<string, { properties?: Record<string, unknown> }> } }>(
      await call("GET", "/openapi.json"),
      200,
    );
    expect(document.components.schemas.Settings?.properties).toHaveProperty("cannedReplies");
    expect(document.components.schemas.PatchSettings?.properties).toHaveProperty("cannedReplies");
    expect(document.components.schemas.CannedReply?.properties).toHaveProperty("title");
  });
});
