/**
 * Which consumer a queue batch belongs to. Cloudflare hands the consumer only the queue's
 * name, and each environment names its queues differently (wrangler.toml, `[env.*]`), so
 * the names come from vars set beside the consumers, never from constants in code.
 */
import { z } from "zod";
import { summarizeIssues } from "../lib/zod-issues.ts";

export type ConsumerKind = "inbound" | "deliveries" | "inbound-dead-letters" | "deliveries-dead-letters";

/** The queue name each consumer reads, as configured for this environment. */
export type QueueNames = Readonly<Record<ConsumerKind, string>>;

const queueName = z.string().trim().min(1, "must name the queue, as in wrangler.toml");

const QueueNamesSchema = z
  .object({
    INBOUND_QUEUE_NAME: queueName,
    DELIVERIES_QUEUE_NAME: queueName,
    INBOUND_DLQ_NAME: queueName,
    DELIVERIES_DLQ_NAME: queueName,
  })
  .refine((vars) => new Set(Object.values(vars)).size === 4, "the four queue names must differ");

let cached: { source: object; names: QueueNames } | undefined;

/** The queue names from the environment's vars; throws, naming the variable, when one is missing. */
export function readQueueNames(env: object): QueueNames {
  if (cached?.source === env) return cached.names;
  const parsed = QueueNamesSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid queue configuration: ${summarizeIssues(parsed.error)}`);
  const vars = parsed.data;
  const names: QueueNames = {
    inbound: vars.INBOUND_QUEUE_NAME,
    deliveries: vars.DELIVERIES_QUEUE_NAME,
    "inbound-dead-letters": vars.INBOUND_DLQ_NAME,
    "deliveries-dead-letters": vars.DELIVERIES_DLQ_NAME,
  };
  cached = { source: env, names };
  return names;
}

/** The consumer for a batch from `queue`, or undefined for a queue this worker does not know. */
export function consumerFor(queue: string, names: QueueNames): ConsumerKind | undefined {
  return (Object.keys(names) as ConsumerKind[]).find((kind) => names[kind] === queue);
}
