import { runAdapterContract } from "../../../contracts/channel-adapter.ts";
import { telegramKit } from "../../../fixtures/telegram/kit.ts";

runAdapterContract(telegramKit);
