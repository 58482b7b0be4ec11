// What a channel brings to the shared adapter contract suite (test/contracts/channel-adapter.ts).
import type { AnyChannelAdapter, Credentials } from "../../src/channels/types.ts";

export interface SignedDelivery {
  body: string;
  headers: Record<string, string>;
}

export interface ChannelTestKit {
  adapter: AnyChannelAdapter;
  /** Valid credentials for the adapter, as POST /v1/channels takes them. */
  credentials: Credentials;
  /** The same credentials with the signing secret changed. */
  wrongCredentials: Credentials;
  /** Fixture name → exact bytes, as the platform sends them. */
  fixtures: Record<string, string>;
  /**
   * Signs `body` as the platform would at `now` (epoch ms), with an implementation
   * independent of the adapter's (node:crypto or the platform's official SDK). May rewrite
   * a signed timestamp inside the body, so callers use the returned body.
   */
  sign(body: string, credentials: Credentials, now: number): SignedDelivery;
  /** The platform's GET handshake, when it has one: the request and the answer expected. */
  handshake?: { query: Record<string, string>; headers?: Record<string, string>; expectBody: string; badQuery: Record<string, string> };
  /** Fixtures holding several events, with how many items each must yield. */
  batched?: Record<string, number>;
  /** End to end (test/integration/channels.test.ts): a fixture holding one customer message. */
  messageFixture?: string;
  /** A fake of the platform's messaging API, for end-to-end replies. */
  api?: {
    /** The real API's origin, which the test intercepts. */
    origin: string;
    /** The platform's answer to an accepted text message. */
    ok(): Response;
    /** The platform's answer when it rate-limits. */
    rateLimited(): Response;
  };
}
