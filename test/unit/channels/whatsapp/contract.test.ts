import { runAdapterContract } from "../../../contracts/channel-adapter.ts";
import { whatsappKit } from "../../../fixtures/whatsapp/kit.ts";

runAdapterContract(whatsappKit);
