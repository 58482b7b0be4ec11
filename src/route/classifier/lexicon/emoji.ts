/** Emoji read the same in every language; angry faces alone make a message negative. */
import type { Lexicon } from "./types.ts";

export const emoji: Lexicon = {
  name: "emoji",
  greetings: ["👋", "🙏", "👍", "👌", "🫶", "❤", "🥰", "😍"],
  negative: {
    strong: ["😡", "🤬", "😤", "💢", "👿", "😠", "🖕", "👎"],
    weak: ["😭", "😢", "😞", "😩", "😫", "🙄", "😒", "💔", "😑", "😔", "🥲"],
  },
  positive: {
    strong: ["😍", "🥰", "❤", "💕", "💖", "💗", "😘", "🤩", "🫶", "💯"],
    weak: ["👍", "🙏", "👌", "😁", "🤗"],
  },
};
