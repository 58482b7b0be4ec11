/**
 * The command line every script shares: `--help` (or `-h`) prints the usage and exits 0; an
 * unknown flag or a bad value prints one line saying so, then the usage, and exits 2. Never
 * a stack trace for a typing mistake.
 */

/** Exit status of a command-line mistake (as the shells and getopt tools use it). */
export const USAGE_EXIT = 2;

/**
 * Runs `parse` (a `node:util` parseArgs call whose options include `help`) and handles
 * --help and parse errors; returns what it parsed otherwise.
 */
export function readCommandLine<T extends { values: { help?: boolean | undefined } }>(usage: string, parse: () => T): T {
  let parsed: T;
  try {
    parsed = parse();
  } catch (error) {
    failUsage(usage, describeParseError(error));
  }
  if (parsed.values.help) {
    console.log(usage);
    process.exit(0);
  }
  return parsed;
}

/** One line on stderr saying what is wrong, then the usage; exits 2. */
export function failUsage(usage: string, problem: string): never {
  console.error(`error: ${problem}\n\n${usage}`);
  process.exit(USAGE_EXIT);
}

/** parseArgs' first sentence ("Unknown option '--x'"), without its advice on positionals. */
export function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const first = message.split(/\.\s/)[0]?.trim() || message;
  return first.charAt(0).toLowerCase() + first.slice(1);
}
