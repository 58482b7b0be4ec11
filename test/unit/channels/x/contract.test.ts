import { runAdapterContract } from "../../../contracts/channel-adapter.ts";
import { xKit } from "../../../fixtures/x/kit.ts";

runAdapterContract(xKit);
