import { runAdapterContract } from "../../../contracts/channel-adapter.ts";
import { instagramKit, messengerKit } from "../../../fixtures/meta/kit.ts";

runAdapterContract(messengerKit);
runAdapterContract(instagramKit);
