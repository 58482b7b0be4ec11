// wrangler.toml, read as wrangler reads it for each environment: the queue-name vars match
// the queues bound and consumed, consumers retry after a delay, dead-letter queues park what
// they cannot record, and logs are kept.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type ConsumerKind, consumerFor, readQueueNames } from "../../src/consumers/dispatch.ts";

/** The part of wrangler's resolved configuration these tests read. */
interface ResolvedConfig {
  vars: Record<string, unknown>;
  queues: {
    producers?: { binding: string; queue: string }[];
    consumers?: { queue: string; dead_letter_queue?: string; max_retries?: number; retry_delay?: number }[];
  };
  d1_databases: { database_name?: string }[];
  observability?: { enabled?: boolean; head_sampling_rate?: number };
  durable_objects: { bindings: { name: string; class_name: string }[] };
  migrations: { tag: string; new_sqlite_classes?: string[] }[];
}

describe("wrangler.toml", () => {
  // wrangler's own reader, so environments resolve exactly as `wrangler deploy --env` resolves them.
  const load = async (env: string | undefined): Promise<ResolvedConfig> => {
    const { unstable_readConfig } = await import("wrangler");
    return unstable_readConfig({ config: path.join(import.meta.dirname, "../../wrangler.toml"), env });
  };

  for (const env of [undefined, "staging"]) {
    it(`names the queues it consumes and produces in its vars (${env ?? "top level"})`, async () => {
      const config = await load(env);
      const names = readQueueNames(config.vars);
      const consumed = config.queues.consumers ?? [];
      const kinds = consumed.map((consumer) => consumerFor(consumer.queue, names));
      expect(kinds.sort()).toEqual((["deliveries", "deliveries-dead-letters", "inbound", "inbound-dead-letters"] as ConsumerKind[]).sort());
      const producers = Object.fromEntries((config.queues.producers ?? []).map((producer) => [producer.binding, producer.queue]));
      expect(producers).toEqual({ INBOUND_QUEUE: names.inbound, DELIVERIES_QUEUE: names.deliveries });
      const deadLetterQueues = Object.fromEntries(consumed.map((consumer) => [consumer.queue, consumer.dead_letter_queue]));
      expect(deadLetterQueues[names.inbound]).toBe(names["inbound-dead-letters"]);
      expect(deadLetterQueues[names.deliveries]).toBe(names["deliveries-dead-letters"]);
    }, 20_000);
  }

  for (const env of [undefined, "staging"]) {
    it(`retries every consumer after a delay, and parks what a dead-letter queue cannot record (${env ?? "top level"})`, async () => {
      const config = await load(env);
      const names = readQueueNames(config.vars);
      const consumed = config.queues.consumers ?? [];
      for (const consumer of consumed) expect(consumer.retry_delay, consumer.queue).toBeGreaterThan(0);
      for (const queue of [names["inbound-dead-letters"], names["deliveries-dead-letters"]]) {
        const consumer = consumed.find((candidate) => candidate.queue === queue);
        expect(consumer?.max_retries, queue).toBe(100);
        // Its own parked queue: one nothing consumes, so what lands there stays until read.
        const parked = consumer?.dead_letter_queue;
        expect(parked, queue).toMatch(/-parked$/);
        expect(consumed.map((candidate) => candidate.queue)).not.toContain(parked);
      }
    }, 20_000);
  }

  for (const env of [undefined, "staging"]) {
    it(`declares every bound Durable Object class in a migration (${env ?? "top level"})`, async () => {
      const config = await load(env);
      const bound = config.durable_objects.bindings.map((binding) => binding.class_name).sort();
      expect(bound).toEqual(["ChannelHealthObject", "ConversationObject", "EndpointLimiterObject", "EventLogObject"]);
      const declared = config.migrations.flatMap((migration) => migration.new_sqlite_classes ?? []).sort();
      expect(declared).toEqual(bound);
    }, 20_000);
  }

  for (const env of [undefined, "staging"]) {
    it(`keeps every invocation's logs in Workers Logs (${env ?? "top level"})`, async () => {
      expect((await load(env)).observability).toMatchObject({ enabled: true, head_sampling_rate: 1 });
    }, 20_000);
  }

  it("gives staging its own queues and database", async () => {
    const [production, staging] = await Promise.all([load(undefined), load("staging")]);
    const queues = (config: ResolvedConfig) => (config.queues.consumers ?? []).map((consumer) => consumer.queue);
    expect(queues(staging).filter((queue) => queues(production).includes(queue))).toEqual([]);
    expect(staging.d1_databases[0]?.database_name).not.toBe(production.d1_databases[0]?.database_name);
  }, 20_000);
});
