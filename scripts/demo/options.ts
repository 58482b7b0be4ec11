/** `npm run demo -- …`: the options, their bounds, and the help text. */
import { parseArgs } from "node:util";
import { describeParseError } from "../lib/cli.ts";
import { DemoError } from "./setup.ts";

export interface DemoOptions {
  dms: number;
  seconds: number;
  url: string;
  /** How long to wait for the pipeline to drain after the last DM. */
  waitSeconds: number;
  seed: number;
  /** The AI first tier on, answered by the scripted fake model the fakes serve. */
  ai: boolean;
  help: boolean;
}

export const HELP = `usage: npm run demo -- [options]

Against a running \`npm run dev\` (start it in another terminal first): makes a fresh demo
workspace with a channel on every platform, an endpoint on a local receiver that verifies
signatures, fake platform and order APIs, live-sale mode on; then sends a live-sale burst of
DMs and prints what was acknowledged, answered, escalated, delivered and lost.

  --dms N        DMs to send (default 300, at most 5000)
  --seconds S    spread over S seconds (default 20, at most 600)
  --url URL      the dev server (default http://127.0.0.1:8787; loopback only)
  --wait S       how long to wait for the pipeline to drain afterwards (default 60)
  --seed N       the traffic mix's random seed (default 20261126)
  --ai           hand what the rules do not escalate to the AI first tier, answered by a scripted
                 fake model on the fake platform APIs' port (no network), with the demo's knowledge
  --help         this text

Open <url>/console/ and sign in with the printed API key to watch the escalations arrive.`;

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

function integer(name: string, value: string, min: number, max: number): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max)
    throw new DemoError(`--${name} must be a whole number from ${min} to ${max}, not "${value}"`);
  return number;
}

export function parseOptions(args: readonly string[]): DemoOptions {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new DemoError(`error: ${describeParseError(error)}\n\n${HELP}`);
  }
  const { values } = parsed;
  let url: URL;
  try {
    url = new URL(values.url);
  } catch {
    throw new DemoError(`--url must be a URL such as http://127.0.0.1:8787, not "${values.url}"`);
  }
  if (url.protocol !== "http:" || !LOOPBACK.has(url.hostname)) {
    throw new DemoError(`--url must be a local http:// server (127.0.0.1, localhost or [::1]): the demo sends only to this machine`);
  }
  return {
    dms: integer("dms", values.dms, 1, 5000),
    seconds: integer("seconds", values.seconds, 1, 600),
    url: url.origin,
    waitSeconds: integer("wait", values.wait, 1, 3600),
    seed: integer("seed", values.seed, 0, 2 ** 32 - 1),
    ai: values.ai,
    help: values.help,
  };
}

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    strict: true,
    options: {
      dms: { type: "string", default: "300" },
      seconds: { type: "string", default: "20" },
      url: { type: "string", default: "http://127.0.0.1:8787" },
      wait: { type: "string", default: "60" },
      seed: { type: "string", default: "20261126" },
      ai: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
}
