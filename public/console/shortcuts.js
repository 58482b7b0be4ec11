// @ts-check
/**
 * Keyboard shortcuts for working through tickets without the mouse, and the help sheet that
 * lists them (`?`). Single keys never fire while the focus is in a field, so typing "j" in a
 * reply stays a "j"; Escape in the reply box hands the keys back. The sheet is a modal
 * <dialog>: the browser moves focus into it, keeps it there and closes it on Escape; focus
 * then returns to where it was.
 */

/**
 * @typedef {{ next: () => void, previous: () => void, reply: () => void, resolve: () => void,
 *   assignToMe: () => void, search: () => void, active: () => boolean }} ShortcutActions
 */

/** What the sheet lists, in its order; the keys handled below are these. */
export const SHORTCUTS = [
  ["j", "Next ticket"],
  ["k", "Previous ticket"],
  ["r", "Write a reply (focus the reply box)"],
  ["Ctrl + Enter", "Send the reply (in the reply box)"],
  ["Esc", "Leave the reply box, so the single keys work again"],
  ["e", "Resolve the ticket"],
  ["a", "Assign the ticket to me"],
  ["/", "Search"],
  ["?", "Show this list"],
];

/**
 * True when a key press is text for a field rather than a command.
 * @param {EventTarget|null} target
 */
export function isTypingTarget(target) {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !["checkbox", "radio", "button", "submit", "reset"].includes(target.type);
  return false;
}

/**
 * @param {{ dialog: HTMLDialogElement, list: HTMLElement, closeButton: HTMLButtonElement,
 *   openButton: HTMLButtonElement, replyBox: HTMLTextAreaElement, actions: ShortcutActions,
 *   leaveReply: () => void }} parts
 */
export function setupShortcuts({ dialog, list, closeButton, openButton, replyBox, actions, leaveReply }) {
  list.replaceChildren(
    ...SHORTCUTS.flatMap(([key, what]) => {
      const term = document.createElement("dt");
      const kbd = document.createElement("kbd");
      kbd.textContent = key ?? "";
      term.append(kbd);
      const description = document.createElement("dd");
      description.textContent = what ?? "";
      return [term, description];
    }),
  );

  /** @type {Element|null} */
  let returnFocusTo = null;
  const openHelp = () => {
    if (dialog.open) return;
    returnFocusTo = document.activeElement;
    dialog.showModal();
    closeButton.focus();
  };
  dialog.addEventListener("close", () => {
    // Browsers that restore the focus themselves have done so before this (queued) event, and
    // the agent may already have moved on (a "/" pressed at once): only an orphaned focus is put back.
    const orphaned = document.activeElement === document.body || dialog.contains(document.activeElement);
    if (orphaned && returnFocusTo instanceof HTMLElement && returnFocusTo.isConnected) returnFocusTo.focus();
    returnFocusTo = null;
  });
  closeButton.addEventListener("click", () => dialog.close());
  // A click on the backdrop (outside the sheet's box) closes it too.
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close();
  });
  openButton.addEventListener("click", openHelp);

  replyBox.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !event.isComposing) {
      event.preventDefault();
      leaveReply();
    }
  });

  /** @type {Record<string, () => void>} */
  const byKey = {
    j: actions.next,
    k: actions.previous,
    r: actions.reply,
    e: actions.resolve,
    a: actions.assignToMe,
    "/": actions.search,
    "?": openHelp,
  };

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.isComposing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (dialog.open || !actions.active() || isTypingTarget(event.target)) return;
    const run = byKey[event.key];
    if (!run) return;
    event.preventDefault(); // "/" must not be typed into the search box it focuses
    run();
  });
}
