-- Delivery attempts moved to each endpoint's Durable Object (src/objects/attempt-log.ts): no D1 row
-- per attempt. No deployment holds data yet, so nothing is copied.
DROP TABLE `delivery_attempts`;