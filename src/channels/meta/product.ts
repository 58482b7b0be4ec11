/** What tells Messenger and Instagram apart in the code they share: webhook object and Graph host. */

export interface MetaProduct {
  /** The webhook body's `object`: Messenger Pages send "page", Instagram accounts "instagram". */
  object: "page" | "instagram";
  /** For reasons and errors: "Messenger", "Instagram". */
  name: string;
  /** The Graph API origin a reply goes to with this token (before any `<PLATFORM>_API_BASE`). */
  graphOrigin(pageAccessToken: string): string;
  /** Messenger's documented reply body has `messaging_type: "RESPONSE"`; Instagram's has none. */
  messagingType?: "RESPONSE";
}
