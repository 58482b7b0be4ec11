/**
 * Which URLs the gateway may call for a workspace (subscriber endpoints, order lookups):
 * https only, never loopback, private, link-local, CGNAT, reserved or cloud-metadata
 * addresses, unless ALLOW_PRIVATE_ENDPOINTS is set for local development. Pure.
 *
 * Literal addresses are judged in every spelling (`new URL` already turns 2130706433,
 * 0x7f.1 and 0177.0.0.1 into 127.0.0.1; IPv6 forms that embed an IPv4 address are
 * unpacked here). Names are judged by name: DNS is not resolved, so a public name that
 * resolves to a private address is out of reach. We refuse what can be refused by name
 * (localhost, single-label and private-use names, metadata hosts, wildcard-DNS zones such
 * as nip.io, names that spell a private address) and rely on Cloudflare's network, which
 * carries a deployed Worker's fetch to the public internet, for the rest.
 */

export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

/** Names that are private by convention (RFC 6761, 6762, 8375 and the never-delegated TLDs). */
const PRIVATE_SUFFIXES = ["localhost", "local", "localdomain", "internal", "intranet", "lan", "home", "corp", "private", "home.arpa"];

/** Cloud metadata services reachable by name from inside their clouds. */
const METADATA_NAMES = ["metadata.google.internal", "instance-data.ec2.internal", "metadata.tencentyun.com"];

/** Public wildcard-DNS and rebinding services: any name under them can point at any address. */
const WILDCARD_DNS_ZONES = [
  "nip.io",
  "sslip.io",
  "xip.io",
  "localtest.me",
  "lvh.me",
  "vcap.me",
  "localhost.direct",
  "traefik.me",
  "1u.ms",
  "rbndr.us",
];

/** [first address, prefix length] of every IPv4 block we refuse. */
const FORBIDDEN_IPV4: readonly [string, number][] = [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // CGNAT (Alibaba Cloud metadata: 100.100.100.200)
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local (AWS, GCP, Azure metadata: 169.254.169.254)
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF assignments (Oracle Cloud metadata: 192.0.0.192)
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relays
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
  ["168.63.129.16", 32], // Azure host services (public range, private use)
];

export function checkOutboundUrl(text: string, options: { allowPrivate: boolean }): UrlVerdict {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: "is not an absolute URL" };
  }
  if (url.username || url.password) return { ok: false, reason: "must not carry credentials" };
  if (options.allowPrivate) {
    return url.protocol === "https:" || url.protocol === "http:" ? { ok: true, url } : { ok: false, reason: "must be http or https" };
  }
  if (url.protocol !== "https:") return { ok: false, reason: "must use https" };
  const problem = hostProblem(url.hostname);
  return problem ? { ok: false, reason: problem } : { ok: true, url };
}

/** Why a host is not an acceptable public destination, or null when it is. */
export function hostProblem(hostname: string): string | null {
  const host = hostname.toLowerCase().replace(/\.+$/, "");
  if (host.startsWith("[")) {
    const groups = parseIPv6(host.slice(1, -1));
    if (!groups) return `address ${host} is not a valid IPv6 address`;
    return isForbiddenIPv6(groups) ? `address ${host} is not public` : null;
  }
  const v4 = parseIPv4(host);
  if (v4 !== null) return isForbiddenIPv4(v4) ? `address ${host} is not public` : null;
  return nameProblem(host);
}

function nameProblem(host: string): string | null {
  const labels = host.split(".");
  const under = (zone: string) => host === zone || host.endsWith(`.${zone}`);
  if (PRIVATE_SUFFIXES.some(under)) return `host ${host} is a private name`;
  // A single label (`metadata`, `intranet`) resolves through the resolver's search domains: internal.
  if (labels.length < 2) return `host ${host} is not a fully qualified public name`;
  if (METADATA_NAMES.some(under)) return `host ${host} is a cloud metadata service`;
  if (WILDCARD_DNS_ZONES.some(under)) return `host ${host} is under a wildcard-DNS zone that can point at private addresses`;
  const spelled = spelledIPv4(labels);
  if (spelled !== null && isForbiddenIPv4(spelled)) return `host ${host} spells a private address`;
  return null;
}

/** An IPv4 address spelled inside a name: four numeric labels in a row, or one `a-b-c-d` label. */
function spelledIPv4(labels: string[]): number | null {
  for (let i = 0; i + 4 <= labels.length; i++) {
    const v4 = parseIPv4(labels.slice(i, i + 4).join("."));
    if (v4 !== null && labels.slice(i, i + 4).every((label) => /^\d{1,3}$/.test(label))) return v4;
  }
  for (const label of labels) {
    const dashed = /(?:^|-)(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})(?:-|$)/.exec(label);
    if (dashed) {
      const v4 = parseIPv4(dashed.slice(1, 5).join("."));
      if (v4 !== null) return v4;
    }
  }
  return null;
}

/**
 * An IPv4 address in any form the WHATWG URL parser accepts (decimal, octal `0177`, hex
 * `0x7f`, and the short forms `127.1` or `2130706433`) as a 32-bit number; null for a name.
 */
export function parseIPv4(host: string): number | null {
  const parts = host.split(".");
  if (parts.length === 0 || parts.length > 4) return null;
  const numbers: number[] = [];
  for (const part of parts) {
    let value: number;
    if (/^0x[0-9a-f]*$/i.test(part)) value = part.length === 2 ? 0 : Number.parseInt(part.slice(2), 16);
    else if (/^0[0-7]+$/.test(part)) value = Number.parseInt(part.slice(1), 8);
    else if (/^(0|[1-9]\d*)$/.test(part)) value = Number(part);
    else return null;
    numbers.push(value);
  }
  const last = numbers.pop() ?? 0;
  if (numbers.some((n) => n > 255) || last >= 256 ** (4 - numbers.length)) return null;
  return numbers.reduce((sum, n, i) => sum + n * 256 ** (3 - i), 0) + last;
}

function ipv4Number(dotted: string): number {
  return dotted.split(".").reduce((sum, part) => sum * 256 + Number(part), 0);
}

export function isForbiddenIPv4(address: number): boolean {
  return FORBIDDEN_IPV4.some(([first, bits]) => {
    const size = 2 ** (32 - bits);
    const start = ipv4Number(first);
    return address >= start && address < start + size;
  });
}

/** Eight 16-bit groups, or null when the text is not an IPv6 address (zone ids are not allowed). */
export function parseIPv6(text: string): number[] | null {
  let body = text.toLowerCase();
  const tail: number[] = [];
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (dotted?.[1] && dotted[2]) {
    const v4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(dotted[2]) ? parseIPv4(dotted[2]) : null;
    if (v4 === null) return null;
    tail.push(Math.floor(v4 / 65536), v4 % 65536);
    body = dotted[1].endsWith("::") ? dotted[1] : dotted[1].slice(0, -1);
  }
  const halves = body.split("::");
  if (halves.length > 2) return null;
  const group = (part: string) => (part === "" ? [] : part.split(":"));
  const head = group(halves[0] ?? "");
  const rest = halves.length === 2 ? group(halves[1] ?? "") : [];
  if (![...head, ...rest].every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  const known = head.length + rest.length + tail.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return null;
  const zeros: number[] = Array(8 - known).fill(0);
  return [...head.map((g) => Number.parseInt(g, 16)), ...zeros, ...rest.map((g) => Number.parseInt(g, 16)), ...tail];
}

export function isForbiddenIPv6(g: number[]): boolean {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, h = 0, i = 0] = g;
  const embedded = h * 65536 + i;
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0) {
    // ::/96 (unspecified, loopback, IPv4-compatible) and ::ffff:0:0/96 (IPv4-mapped).
    if (f === 0) return true;
    if (f === 0xffff) return isForbiddenIPv4(embedded);
  }
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0xffff && f === 0) return isForbiddenIPv4(embedded); // IPv4-translated
  if (a === 0x64 && b === 0xff9b) return c === 0 && d === 0 && e === 0 && f === 0 ? isForbiddenIPv4(embedded) : true; // NAT64
  if (a === 0x2002) return isForbiddenIPv4(b * 65536 + c); // 6to4 carries an IPv4 address
  if (a === 0x2001 && b === 0) return true; // Teredo: an obfuscated IPv4 address
  if (a === 0x2001 && b === 0xdb8) return true; // documentation
  if (a === 0x100 && b === 0 && c === 0 && d === 0) return true; // discard
  return (
    (a & 0xfe00) === 0xfc00 || // unique local (AWS metadata: fd00:ec2::254)
    (a & 0xffc0) === 0xfe80 || // link-local
    (a & 0xffc0) === 0xfec0 || // site-local
    (a & 0xff00) === 0xff00 // multicast
  );
}
