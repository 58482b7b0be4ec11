/**
 * Masks personal data before text leaves for a third-party model: e-mail addresses, phone
 * numbers and street addresses, in the four languages' usual forms. Heuristic by nature
 * (no model can be asked, that is the point): it errs toward masking, and it never masks the
 * order numbers the classifier found, which the model needs to look orders up. Pure.
 */

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
/** International (+84 90…), or national with a leading 0 (0912 345 678, 08-1234-5678), 9 to 13 digits. */
const PHONE = /(?:\+\d{1,3}[\s.-]?\(?\d{1,4}\)?(?:[\s.-]?\d){5,10}|(?<![\p{L}\p{N}])0\d{1,3}(?:[\s.-]?\d){6,9})(?![\p{N}])/gu;
/**
 * A house number then a street word ("12 Nguyen Hue street", "221B Baker St", "số 5 đường Lê Lợi"),
 * or a street word then a name and number ("Jl. Sudirman No. 5", "ถนนสุขุมวิท ซอย 11").
 */
const STREET_WORDS =
  "street|st\\.?|road|rd\\.?|avenue|ave\\.?|lane|ln\\.?|boulevard|blvd\\.?|đường|duong|phố|pho|ngõ|ngo|hẻm|hem|jalan|jl\\.?|gang|gg\\.?";
const ADDRESS_NUMBER_FIRST = new RegExp(
  `(?:số\\s*|so\\s*|no\\.?\\s*)?\\d{1,5}[a-z]?(?:/\\d{1,5})*,?\\s+(?:[\\p{L}.]+\\s+){0,4}?(?:${STREET_WORDS})(?:\\s+[\\p{Lu}][\\p{L}]*){0,3}`,
  "giu",
);
const ADDRESS_STREET_FIRST = new RegExp(
  `(?<![\\p{L}])(?:${STREET_WORDS}|ถนน|ซอย)\\s*(?:[\\p{L}\\p{M}.]+\\s*){1,4}(?:no\\.?|số|so)?\\s*\\d{1,5}[a-z]?`,
  "giu",
);

export function maskPersonalData(text: string, keep: readonly string[] = []): string {
  // Order numbers are set aside first, so the phone pattern cannot take them.
  const kept: string[] = [];
  let masked = text;
  for (const id of keep) {
    if (!id) continue;
    masked = masked.split(id).join(`\ue000${kept.length}\ue001`);
    kept.push(id);
  }
  masked = masked
    .replace(EMAIL, "[email]")
    .replace(PHONE, "[phone]")
    .replace(ADDRESS_NUMBER_FIRST, "[address]")
    .replace(ADDRESS_STREET_FIRST, "[address]");
  return masked.replace(/\ue000(\d+)\ue001/g, (_, i: string) => kept[Number(i)] ?? "");
}
