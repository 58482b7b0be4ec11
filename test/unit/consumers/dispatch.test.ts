// Queue batches reach their consumer by the names each environment configures
// (test/unit/wrangler-config.test.ts checks wrangler.toml's names).
import { describe, expect, it } from "vitest";
import { consumerFor, readQueueNames } from "../../../src/consumers/dispatch.ts";

const renamed = {
  INBOUND_QUEUE_NAME: "acme-eu-inbound",
  DELIVERIES_QUEUE_NAME: "acme-eu-deliveries",
  INBOUND_DLQ_NAME: "acme-eu-inbound-dlq",
  DELIVERIES_DLQ_NAME: "acme-eu-deliveries-dlq",
};

describe("queue dispatch", () => {
  it("sends each renamed queue's batches to its consumer", () => {
    const names = readQueueNames({ ...renamed });
    expect(consumerFor("acme-eu-inbound", names)).toBe("inbound");
    expect(consumerFor("acme-eu-deliveries", names)).toBe("deliveries");
    expect(consumerFor("acme-eu-inbound-dlq", names)).toBe("inbound-dead-letters");
    expect(consumerFor("acme-eu-deliveries-dlq", names)).toBe("deliveries-dead-letters");
  });

  it("knows no queue by its default name once the environment renames it", () => {
    const names = readQueueNames({ ...renamed });
    expect(consumerFor("switchboard-inbound", names)).toBeUndefined();
    expect(consumerFor("", names)).toBeUndefined();
  });

  it("refuses a configuration that misses a name, naming the variable", () => {
    const { INBOUND_DLQ_NAME: _, ...missing } = renamed;
    expect(() => readQueueNames(missing)).toThrow(/INBOUND_DLQ_NAME/);
    expect(() => readQueueNames({ ...renamed, DELIVERIES_QUEUE_NAME: "  " })).toThrow(/DELIVERIES_QUEUE_NAME/);
  });

  it("refuses two consumers on one queue name", () => {
    expect(() => readQueueNames({ ...renamed, DELIVERIES_DLQ_NAME: renamed.INBOUND_DLQ_NAME })).toThrow(/must differ/);
  });
});
