import { runAdapterContract } from "../../../contracts/channel-adapter.ts";
import { zaloKit } from "../../../fixtures/zalo/kit.ts";

runAdapterContract(zaloKit);
