/** Meta's two messaging channels, registered separately: `messenger` and `instagram`. */
export { instagram } from "./instagram.ts";
export { messenger } from "./messenger.ts";
