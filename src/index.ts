/** Entry: HTTP to the Hono app, queue batches to their consumers, the DO class export. */
import { app } from "./app.ts";
import { consumeDeadLetterQueue } from "./consumers/dead-letter-queues.ts";
import { consumeDeliveries } from "./consumers/deliveries.ts";
import { consumerFor, readQueueNames } from "./consumers/dispatch.ts";
import { consumeInbound } from "./consumers/inbound.ts";
import { runMaintenance } from "./maintenance/index.ts";

export { ChannelHealthObject } from "./objects/channel-health.ts";
export { ConversationObject } from "./objects/conversation.ts";
export { EndpointLimiterObject } from "./objects/endpoint-limiter.ts";
export { EventLogObject } from "./objects/event-log-object.ts";

export default {
  fetch: app.fetch,
  async queue(batch, env, _ctx) {
    // A missing queue-name var throws here: the whole batch is retried, nothing is acked.
    switch (consumerFor(batch.queue, readQueueNames(env))) {
      case "inbound":
        return consumeInbound(batch, env);
      case "deliveries":
        return consumeDeliveries(batch, env);
      case "inbound-dead-letters":
        return consumeDeadLetterQueue(batch, env, "inbound");
      case "deliveries-dead-letters":
        return consumeDeadLetterQueue(batch, env, "deliveries");
      default:
        // Never ack what we do not understand: retry, and say so loudly.
        console.error(JSON.stringify({ msg: "message from an unknown queue", queue: batch.queue }));
        batch.retryAll();
    }
  },
  /** Every 10 minutes: re-wake stalled deliveries, purge what is past retention. */
  async scheduled(controller, env, _ctx) {
    await runMaintenance(env, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env>;
