// @ts-check
/**
 * Canned replies: the workspace's ready answers (`settings.cannedReplies`), filled with what
 * the console knows about the ticket before they land in the reply box. A variable the
 * console cannot fill stays as typed, `{{order.status}}`, so the agent sees the gap before
 * sending. The fill is pure (no DOM) and unit-tested in test/unit/console-canned.test.ts.
 */

/** `{{name}}` or `{{ name.part }}`: letters, digits and underscores, dot-separated. */
const VARIABLE = /\{\{\s*([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*)\s*\}\}/g;

/** The variables the console fills, for the help text under the picker. */
export const KNOWN_VARIABLES = ["contact.name", "order.id", "order.status", "agent.name", "channel.name"];

/**
 * Replaces each `{{name}}` whose value is a non-blank string; leaves the others exactly as
 * written. One pass: a value that itself contains `{{…}}` is not filled again.
 * @param {string} text
 * @param {Record<string, string|null|undefined>} values
 * @returns {string}
 */
export function fillVariables(text, values) {
  return text.replace(VARIABLE, (whole, /** @type {string} */ name) => {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    return typeof value === "string" && value.trim() !== "" ? value : whole;
  });
}

/**
 * The variables still in `text`, each once, in order of appearance.
 * @param {string} text
 * @returns {string[]}
 */
export function unfilledVariables(text) {
  return [...new Set(Array.from(text.matchAll(VARIABLE), (match) => match[1] ?? ""))];
}

/**
 * What a ticket offers to the variables: the contact's display name (not the platform's id:
 * a greeting with a number in it reads worse than a visible gap), the order the ticket is
 * about and its status, the signed-in agent's name and the channel's name.
 * @param {{ contactName?: string|null, orderId?: string|null, orderStatus?: string|null,
 *   agentName?: string|null, channelName?: string|null }} facts
 * @returns {Record<string, string|null>}
 */
export function ticketVariables(facts) {
  return {
    "contact.name": facts.contactName ?? null,
    "order.id": facts.orderId ?? null,
    "order.status": facts.orderStatus ? facts.orderStatus.replaceAll("_", " ").toLowerCase() : null,
    "agent.name": facts.agentName ?? null,
    "channel.name": facts.channelName ?? null,
  };
}

/**
 * Puts `insert` into the textarea at the caret (replacing a selection), with a blank line
 * between it and text already there, and announces the change as typing would.
 * @param {HTMLTextAreaElement} textarea
 * @param {string} insert
 */
export function insertAtCaret(textarea, insert) {
  const start = textarea.selectionStart ?? textarea.value.length;
  const end = textarea.selectionEnd ?? start;
  const before = textarea.value.slice(0, start);
  const after = textarea.value.slice(end);
  const lead = before && !before.endsWith("\n") ? "\n\n" : "";
  const trail = after && !after.startsWith("\n") ? "\n\n" : "";
  textarea.value = `${before}${lead}${insert}${trail}${after}`;
  const caret = before.length + lead.length + insert.length;
  textarea.setSelectionRange(caret, caret);
  textarea.dispatchEvent(new Event("input", { bubbles: true }));
}

/**
 * Wires the picker next to the reply box.
 * @param {{ select: HTMLSelectElement, textarea: HTMLTextAreaElement, warning: HTMLElement,
 *   values: () => Record<string, string|null> }} parts
 * @returns {{ setReplies: (replies: { title: string, text: string }[]) => void, checkUnfilled: () => void }}
 */
export function setupCannedReplies({ select, textarea, warning, values }) {
  /** @type {{ title: string, text: string }[]} */
  let replies = [];
  let drawn = "";

  const checkUnfilled = () => {
    const left = unfilledVariables(textarea.value);
    const text = left.length ? `Not filled in: ${left.map((name) => `{{${name}}}`).join(", ")}. Edit them before sending.` : "";
    if (warning.textContent !== text) warning.textContent = text;
    warning.hidden = !text;
  };

  select.addEventListener("change", () => {
    const reply = replies[Number(select.value)];
    select.value = "";
    if (!reply) return;
    insertAtCaret(textarea, fillVariables(reply.text, values()));
    textarea.focus();
  });
  textarea.addEventListener("input", checkUnfilled);

  /** Redraws the options when the workspace's list changed; hidden while it is empty. */
  const setReplies = (/** @type {{ title: string, text: string }[]} */ next) => {
    const signature = JSON.stringify(next);
    if (signature === drawn) return;
    drawn = signature;
    replies = next;
    const placeholder = document.createElement("option");
    placeholder.value = "";
    placeholder.textContent = "Canned reply…";
    const options = next.map((reply, index) => {
      const option = document.createElement("option");
      option.value = String(index);
      option.textContent = reply.title;
      return option;
    });
    select.replaceChildren(placeholder, ...options);
    const wrapper = select.parentElement;
    if (wrapper) wrapper.hidden = next.length === 0;
  };

  return { setReplies, checkUnfilled };
}
