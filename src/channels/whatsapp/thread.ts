/**
 * How a WhatsApp conversation is keyed. Problem: one Meta app (hence one webhook URL) can serve
 * several business numbers, and a customer's `wa_id` is their phone number, the same for every
 * business. Options: key on the customer alone (two numbers' chats would merge) or on the pair.
 * Choice: `<phone_number_id>:<customer id>`, as platforms/whatsapp.md §3 names the pair, so
 * `send` can also refuse to answer a chat that belongs to another number.
 */

export function threadIdOf(phoneNumberId: string, customerId: string): string {
  return `${phoneNumberId}:${customerId}`;
}

/** The business number of a thread id, or null when the id is not of our form. */
export function phoneNumberIdOf(threadId: string): string | null {
  const separator = threadId.indexOf(":");
  return separator > 0 ? threadId.slice(0, separator) : null;
}
