// The suite every channel adapter passes, on its own fixtures (see kit.ts).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InboundItemSchema, type NormalizeResult, type RawDelivery } from "../../src/channels/types.ts";
import { rawDelivery } from "../helpers/delivery.ts";
import type { ChannelTestKit } from "./kit.ts";

const NOW = Date.parse("2026-11-26T03:00:00Z");

function delivery(
  kit: ChannelTestKit,
  body: string,
  headers: Record<string, string>,
  method = "POST",
  query: Record<string, string> = {},
): RawDelivery {
  return rawDelivery(kit.adapter.platform, body, headers, { method, query, receivedAt: NOW });
}

function expectWellFormed(result: NormalizeResult): void {
  if (result.ok) {
    for (const item of result.items) expect(InboundItemSchema.safeParse(item).error).toBeUndefined();
  } else {
    expect(result.reason).toEqual(expect.any(String));
    expect(result.reason.length).toBeGreaterThan(0);
  }
}

export function runAdapterContract(kit: ChannelTestKit): void {
  const { adapter } = kit;
  const names = Object.keys(kit.fixtures);

  describe(`${adapter.platform} adapter contract`, () => {
    it("has fixtures", () => expect(names.length).toBeGreaterThan(0));

    it("accepts valid credentials and refuses empty ones", () => {
      expect(adapter.credentials.safeParse(kit.credentials).success).toBe(true);
      expect(adapter.credentials.safeParse({}).success).toBe(false);
    });

    it.each(names)("accepts %s signed with the channel's secret", async (name) => {
      const signed = kit.sign(kit.fixtures[name] ?? "", kit.credentials, NOW);
      expect(await adapter.verify(delivery(kit, signed.body, signed.headers), kit.credentials)).toEqual({ kind: "accept" });
    });

    it.each(names)("rejects %s when the body changed after signing", async (name) => {
      const signed = kit.sign(kit.fixtures[name] ?? "", kit.credentials, NOW);
      const tampered = signed.body.replace(/\d(?=[^\d]*$)/, (d) => String((Number(d) + 1) % 10));
      expect(tampered).not.toBe(signed.body);
      const verdict = await adapter.verify(delivery(kit, tampered, signed.headers), kit.credentials);
      // Telegram signs nothing: its header secret still matches, so a changed body passes.
      if (adapter.platform === "telegram") expect(verdict.kind).toBe("accept");
      else expect(verdict).toMatchObject({ kind: "reject", status: 401 });
    });

    it("rejects a delivery signed with another secret, and one with no signature", async () => {
      const body = kit.fixtures[names[0] ?? ""] ?? "";
      const signed = kit.sign(body, kit.wrongCredentials, NOW);
      expect(await adapter.verify(delivery(kit, signed.body, signed.headers), kit.credentials)).toMatchObject({
        kind: "reject",
        status: 401,
      });
      expect(await adapter.verify(delivery(kit, signed.body, {}), kit.credentials)).toMatchObject({ kind: "reject", status: 401 });
    });

    if (kit.handshake) {
      const handshake = kit.handshake;
      it("answers the registration handshake, and refuses a wrong one", async () => {
        const ok = await adapter.handshake?.(delivery(kit, "", handshake.headers ?? {}, "GET", handshake.query), kit.credentials);
        expect(ok?.kind).toBe("handshake");
        if (ok?.kind !== "handshake") return;
        expect(ok.response.status).toBe(200);
        expect(await ok.response.text()).toBe(handshake.expectBody);
        const bad = await adapter.handshake?.(delivery(kit, "", handshake.headers ?? {}, "GET", handshake.badQuery), kit.credentials);
        expect(bad?.kind).toBe("reject");
      });
    } else {
      it("has no GET handshake", () => expect(adapter.handshake).toBeUndefined());
    }

    it.each(names)("normalizes %s into well-formed items, deterministically", (name) => {
      const body = kit.fixtures[name] ?? "";
      const result = adapter.normalize(body);
      expect(result.ok, result.ok ? "" : result.reason).toBe(true);
      expectWellFormed(result);
      expect(adapter.normalize(body)).toEqual(result);
    });

    for (const [name, count] of Object.entries(kit.batched ?? {})) {
      it(`yields every event of the batched ${name}`, () => {
        const result = adapter.normalize(kit.fixtures[name] ?? "");
        expect(result.ok && result.items.length).toBe(count);
      });
    }

    it("never throws on arbitrary JSON: valid items or a typed rejection", () => {
      fc.assert(
        fc.property(fc.jsonValue(), (value) => {
          expectWellFormed(adapter.normalize(JSON.stringify(value)));
        }),
        { numRuns: 300 },
      );
    });

    it("never throws on arbitrary JSON shaped like its fixtures", () => {
      const samples = names.map((name) => JSON.parse(kit.fixtures[name] ?? "null") as unknown);
      fc.assert(
        fc.property(fc.constantFrom(...samples), fc.jsonValue(), fc.nat(), (sample, junk, pick) => {
          expectWellFormed(adapter.normalize(JSON.stringify(mutate(sample, junk, pick))));
        }),
        { numRuns: 500 },
      );
    });

    it("never throws on arbitrary bytes, even validly signed ones", async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async (bytes) => {
          const text = new TextDecoder().decode(bytes);
          const signed = kit.sign(text, kit.credentials, NOW);
          const verdict = await adapter.verify(delivery(kit, signed.body, signed.headers), kit.credentials);
          expect(["accept", "reject"]).toContain(verdict.kind);
          expectWellFormed(adapter.normalize(signed.body));
        }),
        { numRuns: 200 },
      );
    });
  });
}

/** Replaces one value somewhere inside `sample` with `junk`: realistic shapes, wrong parts. */
function mutate(sample: unknown, junk: unknown, pick: number): unknown {
  const paths: (string | number)[][] = [];
  const walk = (node: unknown, path: (string | number)[]) => {
    paths.push(path);
    if (Array.isArray(node)) {
      for (const [i, child] of node.entries()) walk(child, [...path, i]);
    } else if (node && typeof node === "object") for (const [k, child] of Object.entries(node)) walk(child, [...path, k]);
  };
  walk(sample, []);
  const target = paths[pick % paths.length] ?? [];
  if (target.length === 0) return junk;
  const copy = structuredClone(sample) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  for (const key of target.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[target.at(-1) as string | number] = junk;
  return copy;
}
