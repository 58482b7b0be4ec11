import { runAdapterContract } from "../../../contracts/channel-adapter.ts";
import { lineKit } from "../../../fixtures/line/kit.ts";

runAdapterContract(lineKit);
