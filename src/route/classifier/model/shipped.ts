/** The model shipped in the bundle (`model.json`, written by `npm run train:classifier`), decoded on first use. */

import shipped from "./model.json" with { type: "json" };
import { loadModel, type Model, type ModelFile } from "./model.ts";

let cached: Model | null = null;

export function shippedModel(): Model {
  cached ??= loadModel(shipped as ModelFile);
  return cached;
}
