/**
 * Which URLs the gateway may call for a workspace (subscriber endpoints, order lookups):
 * https only, never loopback, private, link-local, CGNAT or cloud-metadata addresses,
 * unless ALLOW_PRIVATE_ENDPOINTS is set for local development. Pure; DNS is not resolved
 * here, so names are judged by name (workerd's fetch refuses private targets deployed).
 */

export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

const BLOCKED_NAMES = [/^localhost$/, /\.localhost$/, /\.local$/, /\.internal$/, /^metadata$/, /^instance-data$/];

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
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  if (BLOCKED_NAMES.some((pattern) => pattern.test(host))) return { ok: false, reason: `host ${host} is not a public address` };
  const v4 = parseIPv4(host);
  if (v4 && isPrivateIPv4(v4)) return { ok: false, reason: `address ${host} is not public` };
  if (host.startsWith("[") && isPrivateIPv6(host.slice(1, -1))) return { ok: false, reason: `address ${host} is not public` };
  return { ok: true, url };
}

function parseIPv4(host: string): number[] | null {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.map(Number);
}

function isPrivateIPv4([a = 0, b = 0, c = 0]: number[]): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && c === 0) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

function isPrivateIPv6(address: string): boolean {
  const lower = address.toLowerCase();
  if (lower === "::" || lower === "::1") return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped?.[1]) {
    const v4 = parseIPv4(mapped[1]);
    return v4 ? isPrivateIPv4(v4) : true;
  }
  // URL() writes mapped addresses in hex (::ffff:7f00:1): treat every mapped form as private.
  if (lower.startsWith("::ffff:")) return true;
  return /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower) || lower.startsWith("ff");
}
