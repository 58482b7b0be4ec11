// Every registered channel has a test kit; each channel runs the shared suite in its folder.
import { describe, expect, it } from "vitest";
import { supportedPlatforms } from "../../../src/channels/registry.ts";
import { channelKits } from "../../fixtures/kits.ts";

describe("channel registry", () => {
  it("has a test kit for every registered platform, and a platform for every kit", () => {
    expect(channelKits.map((kit) => kit.adapter.platform).sort()).toEqual(supportedPlatforms().sort());
  });
});
