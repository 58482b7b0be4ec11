/**
 * Telegram Bot API webhook bodies: one `Update` per request. Tolerant (loose) schemas that
 * name only the fields the adapter reads; Telegram adds fields with every Bot API version.
 * @see https://core.telegram.org/bots/api#update
 */
import { z } from "zod";

/**
 * Chat and user ids are JSON integers of up to 52 bits (supergroups: `-100…`). The lossless
 * parser hands them over as numbers, or as digit strings past 2^53; both become exact strings.
 * @see https://core.telegram.org/api/bots/ids
 */
export const telegramId = z.union([z.number().int(), z.string().regex(/^-?\d+$/)]).transform(String);

/** Unix seconds. */
const unixSeconds = z.number().int().nonnegative();

export const UserSchema = z.looseObject({
  id: telegramId,
  is_bot: z.boolean(),
  first_name: z.string(),
  last_name: z.string().optional(),
  username: z.string().optional(),
});
export type User = z.infer<typeof UserSchema>;

export const ChatSchema = z.looseObject({
  id: telegramId,
  /** private, group, supergroup or channel. */
  type: z.string(),
  title: z.string().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
});
export type Chat = z.infer<typeof ChatSchema>;

/** What every downloadable file shares; `file_id` feeds `getFile`, which needs the bot token. */
const FileSchema = z.looseObject({
  file_id: z.string().min(1),
  mime_type: z.string().optional(),
});

export const PhotoSizeSchema = z.looseObject({
  file_id: z.string().min(1),
  width: z.number(),
  height: z.number(),
  file_size: z.number().optional(),
});
export type PhotoSize = z.infer<typeof PhotoSizeSchema>;

const LocationSchema = z.looseObject({ latitude: z.number(), longitude: z.number() });

/** A message's content fields; at most one media field is set (an animation also sets `document`). */
export const MessageSchema = z.looseObject({
  message_id: z.number().int(),
  /** Absent for messages sent on behalf of a chat; then `sender_chat` is set. */
  from: UserSchema.optional(),
  sender_chat: ChatSchema.optional(),
  chat: ChatSchema,
  date: unixSeconds,
  edit_date: unixSeconds.optional(),
  /** A linked channel's post copied into its discussion group: the business's own words. */
  is_automatic_forward: z.boolean().optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z.array(PhotoSizeSchema).optional(),
  animation: FileSchema.optional(),
  video: FileSchema.optional(),
  video_note: FileSchema.optional(),
  audio: FileSchema.optional(),
  voice: FileSchema.optional(),
  document: FileSchema.optional(),
  sticker: FileSchema.optional(),
  location: LocationSchema.optional(),
  venue: z.looseObject({ location: LocationSchema, title: z.string(), address: z.string() }).optional(),
  contact: z.looseObject({ phone_number: z.string(), first_name: z.string(), last_name: z.string().optional() }).optional(),
});
export type Message = z.infer<typeof MessageSchema>;

/** The button's message; an inaccessible one (deleted, or older than 48 h) has `date` 0. */
const CallbackMessageSchema = z.looseObject({
  message_id: z.number().int(),
  chat: ChatSchema,
  date: unixSeconds,
});

export const CallbackQuerySchema = z.looseObject({
  /** Unique across the bot: the tap's own id. */
  id: z.string().min(1),
  from: UserSchema,
  /** Absent when the button belongs to a message sent in inline mode. */
  message: CallbackMessageSchema.optional(),
  /** The button's `callback_data`; absent for game buttons. */
  data: z.string().optional(),
});
export type CallbackQuery = z.infer<typeof CallbackQuerySchema>;

/** `my_chat_member`: the bot's own membership changed; in a private chat, the user (un)blocked it. */
export const ChatMemberUpdatedSchema = z.looseObject({
  chat: ChatSchema,
  from: UserSchema,
  date: unixSeconds,
  /** creator, administrator, member, restricted, left or kicked. */
  old_chat_member: z.looseObject({ status: z.string() }),
  new_chat_member: z.looseObject({ status: z.string() }),
});
export type ChatMemberUpdated = z.infer<typeof ChatMemberUpdatedSchema>;

export const UpdateSchema = z.looseObject({
  update_id: z.number().int(),
  message: MessageSchema.optional(),
  edited_message: MessageSchema.optional(),
  callback_query: CallbackQuerySchema.optional(),
  my_chat_member: ChatMemberUpdatedSchema.optional(),
});
export type Update = z.infer<typeof UpdateSchema>;
