import { describe, expect, it } from "vitest";
import { checkOutboundUrl } from "../../../src/deliver/url-guard.ts";

const strict = { allowPrivate: false };

describe("outbound URL guard", () => {
  it("accepts a public https URL", () => {
    expect(checkOutboundUrl("https://hooks.example.com/switchboard?x=1", strict).ok).toBe(true);
  });

  it.each([
    "http://hooks.example.com/",
    "https://localhost/",
    "https://api.localhost/",
    "https://127.0.0.1/",
    "https://10.1.2.3/",
    "https://172.20.0.1/",
    "https://192.168.1.1/",
    "https://169.254.169.254/latest/meta-data",
    "https://100.64.0.1/",
    "https://0.0.0.0/",
    "https://[::1]/",
    "https://[fd00::1]/",
    "https://[fe80::1]/",
    "https://[::ffff:127.0.0.1]/",
    "https://metadata.google.internal/",
    "https://user:pass@hooks.example.com/",
    "ftp://hooks.example.com/",
    "not a url",
  ])("refuses %s", (url) => {
    const verdict = checkOutboundUrl(url, strict);
    expect(verdict.ok).toBe(false);
  });

  it("lets local development use plain http on loopback when allowed", () => {
    expect(checkOutboundUrl("http://127.0.0.1:9000/hook", { allowPrivate: true }).ok).toBe(true);
    expect(checkOutboundUrl("file:///etc/passwd", { allowPrivate: true }).ok).toBe(false);
  });
});
