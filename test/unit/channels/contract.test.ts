// Every registered channel has a test kit; each channel runs the shared suite in its folder.
import { describe, expect, it } from "vitest";
import { supportedPlatforms } from "../../../src/channels/registry.ts";
import type { ChannelTestKit } from "../../contracts/kit.ts";
import { tiktokKit } from "../../fixtures/tiktok/kit.ts";

const kits: ChannelTestKit[] = [tiktokKit];

describe("channel registry", () => {
  it("has a test kit for every registered platform, and a platform for every kit", () => {
    expect(kits.map((kit) => kit.adapter.platform).sort()).toEqual(supportedPlatforms().sort());
  });
});
