import { describe, expect, it } from "vitest";
import { fromBase64, fromHex, toBase64, toHex, utf8 } from "../../../src/lib/encoding.ts";
import { checkFreshness } from "../../../src/lib/freshness.ts";
import { derivedId, randomId } from "../../../src/lib/ids.ts";
import { createSecretBox, SealedSecretError, sealedAt } from "../../../src/lib/secret-box.ts";
import { decodeCursor, encodeCursor } from "../../../src/storage/pagination.ts";

const KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

describe("ids", () => {
  it("derives the same id from the same parts, and another from other parts", async () => {
    const a = await derivedId("msg", "ch_1", "7373009988776655501");
    expect(a).toMatch(/^msg_[0-9a-z]{24}$/);
    expect(await derivedId("msg", "ch_1", "7373009988776655501")).toBe(a);
    expect(await derivedId("msg", "ch_2", "7373009988776655501")).not.toBe(a);
    // Part boundaries matter: ("ab","c") is not ("a","bc").
    expect(await derivedId("msg", "ab", "c")).not.toBe(await derivedId("msg", "a", "bc"));
  });

  it("makes random ids that do not repeat", () => {
    const ids = new Set(Array.from({ length: 1000 }, () => randomId("ws")));
    expect(ids.size).toBe(1000);
  });
});

describe("encoding", () => {
  it("round-trips hex and base64, and refuses malformed input", () => {
    const bytes = utf8("Switchboard ✓");
    expect(fromHex(toHex(bytes))).toEqual(bytes);
    expect(fromBase64(toBase64(bytes))).toEqual(bytes);
    expect(fromHex("abc")).toBeNull();
    expect(fromHex("zz")).toBeNull();
    expect(fromBase64("!!!")).toBeNull();
  });
});

describe("secret box", () => {
  const HERE = sealedAt.channelCredentials("ch_a");

  it("opens what it sealed, with a fresh IV each time", async () => {
    const box = await createSecretBox(KEY);
    const a = await box.seal("app-secret", HERE);
    const b = await box.seal("app-secret", HERE);
    expect(a).not.toBe(b);
    expect(a).not.toContain("app-secret");
    expect(a.startsWith("v2.")).toBe(true);
    expect(await box.open(a, HERE)).toBe("app-secret");
  });

  it("refuses to open a value somewhere else than where it was sealed, with an error that names the place, not the secret", async () => {
    const box = await createSecretBox(KEY);
    const sealed = await box.seal("app-secret", HERE);
    for (const elsewhere of [
      sealedAt.channelCredentials("ch_b"),
      sealedAt.endpointSecret("ch_a"),
      sealedAt.orderLookupHeader("ch_a", "x"),
    ]) {
      const failure = await box.open(sealed, elsewhere).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(SealedSecretError);
      expect((failure as Error).message).toContain(elsewhere);
      expect((failure as Error).message).not.toContain("app-secret");
    }
  });

  it("refuses, clearly, a value of the old unbound v1 format rather than opening it", async () => {
    // v1 as it was written: AES-GCM under the same key, no additional data.
    const key = await crypto.subtle.importKey("raw", fromBase64(KEY) as Uint8Array<ArrayBuffer>, "AES-GCM", false, ["encrypt"]);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, new TextEncoder().encode("app-secret")));
    const v1 = `v1.${toBase64(iv)}.${toBase64(data)}`;
    await expect((await createSecretBox(KEY)).open(v1, HERE)).rejects.toThrow(/old unbound format \(v1\)/);
  });

  it("refuses to open with another key or a tampered ciphertext", async () => {
    const sealed = await (await createSecretBox(KEY)).seal("app-secret", HERE);
    const other = await createSecretBox(toBase64(new Uint8Array(32).fill(7)));
    await expect(other.open(sealed, HERE)).rejects.toThrow(SealedSecretError);
    const tampered = `${sealed.slice(0, -4)}AAAA`;
    await expect((await createSecretBox(KEY)).open(tampered, HERE)).rejects.toThrow(SealedSecretError);
    await expect((await createSecretBox(KEY)).open("v2.???.AAAA", HERE)).rejects.toThrow(/malformed/);
  });

  it("refuses a master key that is not 32 bytes of base64", async () => {
    await expect(createSecretBox("short")).rejects.toThrow(/MASTER_KEY/);
  });
});

describe("freshness", () => {
  const now = 1_800_000_000_000;
  it("allows 72 h back and 5 min ahead", () => {
    expect(checkFreshness(now - 72 * 3600_000, now)).toBe("fresh");
    expect(checkFreshness(now - 72 * 3600_000 - 1, now)).toBe("stale");
    expect(checkFreshness(now + 300_000, now)).toBe("fresh");
    expect(checkFreshness(now + 300_001, now)).toBe("future");
  });
});

describe("cursor", () => {
  it("round-trips and refuses junk with a 400", () => {
    expect(decodeCursor(encodeCursor(123, "ch_abc"))).toEqual({ createdAt: 123, id: "ch_abc" });
    expect(() => decodeCursor("nonsense!")).toThrow(/cursor/);
  });

  it("carries a list's tie-breaking key (a message's platform index) when there is one", () => {
    const index = `${"0".repeat(30)}10`;
    expect(decodeCursor(encodeCursor(123, "msg_abc", index))).toStrictEqual({ createdAt: 123, id: "msg_abc", tie: index });
    expect(decodeCursor(encodeCursor(123, "msg_abc"))).toStrictEqual({ createdAt: 123, id: "msg_abc" });
    expect(() => decodeCursor(encodeCursor(123, "msg_abc", "1".repeat(33)))).toThrow(/cursor/);
  });
});
