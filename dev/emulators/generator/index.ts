/** Deterministic seeded mailbox generator shared by the Google and Microsoft emulators. */
export { generateMailbox, type GenerateOptions, type GeneratedMessage, type GeneratedFolder, type GeneratedCategory } from './mailbox';
export { composeMessage, type ComposeSpec, type ComposeAttachment, type MailAddress } from './compose';
export { createRandom, hashString, type Random } from './random';
export { decodeText, encodeText, encodeHeaderWords, type Charset } from './charsets';
