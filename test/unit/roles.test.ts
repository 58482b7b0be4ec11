import { describe, expect, it } from "vitest";
import { isWrite, roleFor } from "../../src/api/roles.ts";

describe("roleFor", () => {
  it("lets any key read", () => {
    for (const method of ["GET", "get", "HEAD"]) expect(roleFor(method, "/v1/channels/:id")).toBe("agent");
  });

  it("lets an agent write only to the inbox", () => {
    expect(roleFor("PATCH", "/v1/tickets/:id")).toBe("agent");
    expect(roleFor("post", "/v1/conversations/:id/messages")).toBe("agent");
  });

  it("keeps every other write, and any route not listed yet, for admins", () => {
    for (const [method, route] of [
      ["POST", "/v1/tickets/:id"],
      ["DELETE", "/v1/tickets/:id"],
      ["PUT", "/v1/rules"],
      ["PATCH", "/v1/settings"],
      ["POST", "/v1/dead-letters/:id/retry"],
      ["POST", "/v1/some-future-route"],
    ] as const)
      expect(roleFor(method, route), `${method} ${route}`).toBe("admin");
    expect(isWrite("OPTIONS")).toBe(false);
    expect(isWrite("PUT")).toBe(true);
  });
});
