/**
 * `npm run -s sign -- <platform> <file> <secrets…> [--url URL]`: reads a sample webhook body,
 * signs it as the platform would, and prints a curl command, or POSTs it to --url.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { describeParseError, USAGE_EXIT } from "../lib/cli.ts";
import { isSignable, type SecretOption, SIGNERS } from "./signers.ts";

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  readFile(path: string): string;
  fetch: typeof fetch;
  now(): number;
}

const SECRET_OPTIONS = ["app-key", "app-secret", "secret-token", "channel-secret", "oa-secret-key", "consumer-secret"] as const;

export function usage(): string {
  const rows = Object.entries(SIGNERS).map(
    ([platform, signer]) =>
      `  ${platform.padEnd(10)} ${signer.options
        .map((o) => `--${o} …`)
        .join(" ")
        .padEnd(30)} ${signer.describe}`,
  );
  return [
    "usage: npm run -s sign -- <platform> <file> <secrets…> [--url URL]",
    "",
    "Signs the webhook body in <file> as the platform would. Without --url, prints a curl command",
    "(POST to $URL); with --url, sends it and prints the answer (exit 1 unless 2xx).",
    "",
    ...rows,
    "",
    "Options are the channel's credentials: --app-key appKey, --app-secret appSecret, --secret-token",
    "secretToken, --channel-secret channelSecret, --oa-secret-key oaSecretKey, --consumer-secret consumerSecret.",
    "",
    "  --url URL   the channel's webhook URL, e.g. http://127.0.0.1:8787/webhooks/telegram/<channel id>",
    "  --help      this text",
  ].join("\n");
}

/** Runs the command; returns the exit status (0 ok, 1 the gateway refused, 2 bad usage). */
export async function runSign(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    return fail(io, describeParseError(error));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(usage());
    return 0;
  }
  const [platform, file, ...extra] = positionals;
  if (!platform) return fail(io, "missing <platform>");
  if (!isSignable(platform)) return fail(io, `unsupported platform '${platform}' (supported: ${Object.keys(SIGNERS).join(", ")})`);
  if (!file) return fail(io, "missing <file>");
  if (extra.length > 0) return fail(io, `unexpected argument '${extra[0]}'`);
  const signer = SIGNERS[platform];
  const missing = signer.options.filter((option) => !values[option]);
  if (missing.length > 0) return fail(io, `${platform} needs ${missing.map((o) => `--${o}`).join(", ")}`);
  const unused = SECRET_OPTIONS.filter((option) => values[option] !== undefined && !signer.options.includes(option));
  if (unused.length > 0) return fail(io, `${platform} does not use ${unused.map((o) => `--${o}`).join(", ")}`);

  let body: string;
  try {
    body = io.readFile(file);
  } catch (error) {
    return fail(io, `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let signed: ReturnType<typeof signer.sign>;
  try {
    signed = signer.sign(body, values as Record<SecretOption, string>, io.now());
  } catch (error) {
    return fail(io, error instanceof Error ? error.message : String(error));
  }
  const headers = { "content-type": "application/json", ...signed.headers };
  if (!values.url) {
    const flags = Object.entries(headers).map(([name, value]) => `-H ${shellQuote(`${name}: ${value}`)}`);
    io.out(`curl -sS -X POST "$URL" ${flags.join(" ")} --data-binary ${shellQuote(signed.body)}`);
    return 0;
  }
  let response: Response;
  try {
    response = await io.fetch(values.url, { method: "POST", headers, body: signed.body });
  } catch (error) {
    io.err(`POST ${values.url} failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  io.out(`${response.status} ${await response.text()}`);
  return response.ok ? 0 : 1;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: "boolean", short: "h" },
      url: { type: "string" },
      ...Object.fromEntries(SECRET_OPTIONS.map((option) => [option, { type: "string" as const }])),
    } as Record<SecretOption | "url", { type: "string" }> & { help: { type: "boolean"; short: "h" } },
  });
}

function fail(io: CliIo, message: string): number {
  io.err(`error: ${message}\n\n${usage()}`);
  return USAGE_EXIT;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export const nodeIo: CliIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  readFile: (path) => readFileSync(path, "utf8"),
  fetch: (input, init) => fetch(input, init),
  now: () => Date.now(),
};
