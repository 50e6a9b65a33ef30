export { escapeHtml, textToHtml } from './escape';
export { htmlToText, sanitizeEmailHtml, type SanitizeOptions, type SanitizeResult } from './sanitize';
export { MAX_DATA_IMAGE_URL_LENGTH, classifyUrl, isSafeDataImage } from './urls';
export { sanitizeOutgoingHtml } from './outgoing';
