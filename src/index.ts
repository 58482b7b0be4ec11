/** Entry: HTTP to the Hono app, queue batches to their consumers, the DO class export. */
import { app } from "./app.ts";
import { consumeDeadLetterQueue } from "./consumers/dead-letter-queues.ts";
import { consumeDeliveries } from "./consumers/deliveries.ts";
import { consumeInbound } from "./consumers/inbound.ts";
import { QUEUES } from "./consumers/messages.ts";
import { runMaintenance } from "./maintenance/index.ts";

export { ConversationObject } from "./objects/conversation.ts";
export { EndpointLimiterObject } from "./objects/endpoint-limiter.ts";

export default {
  fetch: app.fetch,
  async queue(batch, env, _ctx) {
    switch (batch.queue) {
      case QUEUES.inbound:
        return consumeInbound(batch, env);
      case QUEUES.deliveries:
        return consumeDeliveries(batch, env);
      case QUEUES.inboundDeadLetters:
        return consumeDeadLetterQueue(batch, env, "inbound");
      case QUEUES.deliveriesDeadLetters:
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
