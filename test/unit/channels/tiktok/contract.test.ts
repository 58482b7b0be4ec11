import { runAdapterContract } from "../../../contracts/channel-adapter.ts";
import { tiktokKit } from "../../../fixtures/tiktok/kit.ts";

runAdapterContract(tiktokKit);
