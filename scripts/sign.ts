// Signs a sample webhook as the platform would, so it can be sent to a local gateway.
//   npm run -s sign -- --help                                              every platform and its options
//   npm run -s sign -- tiktok <file> --app-key K --app-secret S            prints a curl command
//   npm run -s sign -- telegram <file> --secret-token T --url URL          sends it
// Where the platform signs a timestamp (TikTok Shop, Zalo), it is moved to now: the gateway
// refuses a stale one.
import { nodeIo, runSign } from "./sign/cli.ts";

process.exitCode = await runSign(process.argv.slice(2), nodeIo);
