import { describe, expect, it } from "vitest";
import { checkOutboundUrl, isForbiddenIPv6, parseIPv4, parseIPv6 } from "../../../src/deliver/url-guard.ts";

const strict = { allowPrivate: false };

describe("outbound URL guard", () => {
  it.each([
    "https://hooks.example.com/switchboard?x=1",
    "https://8.8.8.8/",
    "https://[2606:4700:4700::1111]/",
    "https://api.shop.vn:8443/hooks",
    "https://shop-10-0.example.com/",
    "https://v1.2.3.example.com/",
    "https://172.15.0.1/",
    "https://100.128.0.1/",
  ])("accepts the public URL %s", (url) => {
    expect(checkOutboundUrl(url, strict).ok).toBe(true);
  });

  it.each([
    // scheme, credentials, garbage
    "http://hooks.example.com/",
    "ftp://hooks.example.com/",
    "https://user:pass@hooks.example.com/",
    "not a url",
    // loopback and "this network" in every IPv4 spelling
    "https://127.0.0.1/",
    "https://127.255.255.254/",
    "http://2130706433/",
    "https://2130706433/",
    "https://0x7f000001/",
    "https://0x7f.1/",
    "https://0177.0.0.1/",
    "https://0177.1/",
    "https://127.1/",
    "https://0/",
    "https://0.0.0.0/",
    "https://%31%32%37.0.0.1/",
    "https://127。0。0。1/",
    // private, CGNAT, link-local, metadata, reserved
    "https://10.1.2.3/",
    "https://167772161/",
    "https://172.20.0.1/",
    "https://0xac.0x1f.0.1/",
    "https://192.168.1.1/",
    "https://100.64.0.1/",
    "https://100.100.100.200/",
    "https://169.254.169.254/latest/meta-data",
    "https://2852039166/",
    "https://0xa9.0xfe.0xa9.0xfe/",
    "https://168.63.129.16/",
    "https://192.0.0.192/",
    "https://198.18.0.1/",
    "https://224.0.0.1/",
    "https://255.255.255.255/",
    // IPv6: loopback, unspecified, mapped and translated IPv4, ULA, link-local, NAT64, 6to4, multicast
    "https://[::1]/",
    "https://[0:0:0:0:0:0:0:1]/",
    "https://[::]/",
    "https://[::ffff:127.0.0.1]/",
    "https://[::ffff:7f00:1]/",
    "https://[::ffff:a9fe:a9fe]/",
    "https://[::ffff:10.0.0.1]/",
    "https://[::127.0.0.1]/",
    "https://[fd00::1]/",
    "https://[fd00:ec2::254]/",
    "https://[fe80::1]/",
    "https://[64:ff9b::a9fe:a9fe]/",
    "https://[2002:7f00:1::1]/",
    "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
    "https://[ff02::1]/",
    // names
    "https://localhost/",
    "https://LOCALHOST/",
    "https://localhost./",
    "https://localhost../",
    "https://api.localhost/",
    "https://printer.local/",
    "https://db.internal/",
    "https://metadata.google.internal/",
    "https://metadata/",
    "https://intranet/",
    "https://router.home.arpa/",
    "https://127.0.0.1.nip.io/",
    "https://anything.sslip.io/",
    "https://10-0-0-1.example.com/",
    "https://hooks-192-168-1-20.example.com/",
    "https://app.127.0.0.1.rebind.example/",
  ])("refuses %s", (url) => {
    const verdict = checkOutboundUrl(url, strict);
    expect(verdict.ok).toBe(false);
  });

  it("says why, in words the API can return", () => {
    expect(checkOutboundUrl("https://0x7f.1/", strict)).toEqual({ ok: false, reason: "address 127.0.0.1 is not public" });
    expect(checkOutboundUrl("http://hooks.example.com/", strict)).toEqual({ ok: false, reason: "must use https" });
    expect(checkOutboundUrl("https://localhost./", strict)).toEqual({ ok: false, reason: "host localhost is a private name" });
  });

  it("lets local development use plain http on loopback when allowed", () => {
    expect(checkOutboundUrl("http://127.0.0.1:9000/hook", { allowPrivate: true }).ok).toBe(true);
    expect(checkOutboundUrl("file:///etc/passwd", { allowPrivate: true }).ok).toBe(false);
    expect(checkOutboundUrl("https://u:p@127.0.0.1/", { allowPrivate: true }).ok).toBe(false);
  });
});

describe("address parsing", () => {
  it("reads IPv4 as the URL standard does", () => {
    expect(parseIPv4("127.0.0.1")).toBe(0x7f000001);
    expect(parseIPv4("0x7f.1")).toBe(0x7f000001);
    expect(parseIPv4("0177.0.0.01")).toBe(0x7f000001);
    expect(parseIPv4("2130706433")).toBe(0x7f000001);
    expect(parseIPv4("1.2.3.4.5")).toBeNull();
    expect(parseIPv4("256.1.1.1")).toBeNull();
    expect(parseIPv4("1.2.65536")).toBeNull();
    expect(parseIPv4("example.com")).toBeNull();
  });

  it("reads IPv6, compressed or not, with an IPv4 tail", () => {
    expect(parseIPv6("::1")).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6("::ffff:1.2.3.4")).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]);
    expect(parseIPv6("1:2:3:4:5:6:7:8")).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(parseIPv6("1::2::3")).toBeNull();
    expect(parseIPv6("1:2:3:4:5:6:7:8:9")).toBeNull();
    expect(parseIPv6("fe80::1%eth0")).toBeNull();
  });

  it("refuses IPv6 that embeds a private IPv4 address and allows it for a public one", () => {
    expect(isForbiddenIPv6(parseIPv6("::ffff:8.8.8.8") ?? [])).toBe(false);
    expect(isForbiddenIPv6(parseIPv6("64:ff9b::808:808") ?? [])).toBe(false);
    expect(isForbiddenIPv6(parseIPv6("64:ff9b::a00:1") ?? [])).toBe(true);
    expect(isForbiddenIPv6(parseIPv6("2002:808:808::1") ?? [])).toBe(false);
  });
});
