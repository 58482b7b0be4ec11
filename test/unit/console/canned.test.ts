// The console's canned-reply fill (public/console/canned.js): plain JavaScript served as is,
// imported here by URL because it has no type declarations.
import { describe, expect, it } from "vitest";

interface Canned {
  fillVariables(text: string, values: Record<string, string | null | undefined>): string;
  unfilledVariables(text: string): string[];
  ticketVariables(facts: Record<string, string | null | undefined>): Record<string, string | null>;
}

const canned = (await import(new URL("../../../public/console/canned.js", import.meta.url).href)) as Canned;

describe("canned reply variables", () => {
  it("fills the variables it has values for, with or without spaces inside the braces", () => {
    const text = "Hi {{contact.name}}, order {{ order.id }} is {{order.status}}. — {{agent.name}}";
    const filled = canned.fillVariables(text, {
      "contact.name": "Linh",
      "order.id": "5767001",
      "order.status": "shipped",
      "agent.name": "Ana",
    });
    expect(filled).toBe("Hi Linh, order 5767001 is shipped. — Ana");
  });

  it("leaves unknown, missing and blank variables exactly as written", () => {
    const text = "Hi {{contact.name}}, {{order.id}} / {{ order.status }} / {{coupon.code}}";
    const filled = canned.fillVariables(text, { "contact.name": "  ", "order.id": null, "order.status": undefined });
    expect(filled).toBe(text);
    expect(canned.unfilledVariables(filled)).toEqual(["contact.name", "order.id", "order.status", "coupon.code"]);
  });

  it("does not fill a value's own braces a second time, nor read inherited properties", () => {
    const filled = canned.fillVariables("{{contact.name}} {{order.id}} {{constructor}} {{toString}}", {
      "contact.name": "{{order.id}}",
      "order.id": "42",
    });
    expect(filled).toBe("{{order.id}} 42 {{constructor}} {{toString}}");
  });

  it("keeps text without variables, and odd braces, untouched", () => {
    for (const text of ["Thanks!", "{{}}", "{{ 1abc }}", "{single}", "{{contact.name"]) {
      expect(canned.fillVariables(text, { "contact.name": "Linh" })).toBe(text);
    }
    expect(canned.unfilledVariables("Thanks {{a}} and {{a}} again")).toEqual(["a"]);
  });

  it("takes the ticket's facts: the display name only, the order, its status in words, the agent and the channel", () => {
    expect(
      canned.ticketVariables({
        contactName: "Linh",
        orderId: "576",
        orderStatus: "AWAITING_SHIPMENT",
        agentName: "Ana",
        channelName: "Acme",
      }),
    ).toEqual({
      "contact.name": "Linh",
      "order.id": "576",
      "order.status": "awaiting shipment",
      "agent.name": "Ana",
      "channel.name": "Acme",
    });
    expect(canned.ticketVariables({})).toEqual({
      "contact.name": null,
      "order.id": null,
      "order.status": null,
      "agent.name": null,
      "channel.name": null,
    });
  });
});
