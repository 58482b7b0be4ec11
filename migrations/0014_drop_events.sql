-- The event log moved to each workspace's Durable Object (src/objects/event-log.ts): no D1 row
-- per event. No deployment holds data yet, so nothing is copied.
DROP TABLE `events`;
