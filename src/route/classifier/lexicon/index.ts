/** Every lexicon the classifier reads; adding a language means adding a file and a line here. */
import { emoji } from "./emoji.ts";
import { english } from "./en.ts";
import { indonesian } from "./id.ts";
import { thai } from "./th.ts";
import type { Lexicon } from "./types.ts";
import { vietnamese } from "./vi.ts";

export const LEXICONS: readonly Lexicon[] = [english, vietnamese, thai, indonesian, emoji];
