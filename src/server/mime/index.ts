export { buildMimeMessage, generateMessageId, type BuildOptions, type BuiltMessage } from './build';
export { extractMessageIds, normalizeMessageId, uniqueIds } from './message-id';
export {
  MimeParseError,
  makeSnippet,
  normalizedFromRaw,
  parseRawMessage,
  toNormalizedMessage,
  type NormalizeMeta,
  type ParseOptions,
  type ParsedAttachment,
  type ParsedMime,
} from './parse';
export {
  MAX_REFERENCES,
  buildReferences,
  forwardSubject,
  normalizeSubject,
  quoteForForward,
  quoteForReply,
  replyRecipients,
  replySubject,
  threadKeyFor,
  type ForwardSource,
  type QuoteOptions,
  type QuoteSource,
  type ReplyIdentity,
  type ReplyMode,
} from './threading';
