/**
 * What the writer typed (plain text) as the HTML part of the message: every
 * character escaped, blank lines between paragraphs, single line breaks kept,
 * and runs of spaces / indentation kept visible. Pure; the server sanitizes again.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** HTML collapses spaces; keep the writer's indentation and aligned columns. */
function keepSpaces(line: string): string {
  return line
    .replace(/\t/g, '    ')
    .replace(/ {2,}/g, (run) => ' ' + '&nbsp;'.repeat(run.length - 1))
    .replace(/^ /, '&nbsp;');
}

export function textToHtml(text: string): string {
  const normalized = text.replace(/\r\n?/g, '\n').replace(/^(?:[ \t]*\n)+/, '').trimEnd();
  if (!normalized.trim()) return '';
  return normalized
    .split(/\n[ \t]*\n(?:[ \t]*\n)*/)
    .map((paragraph) => `<p>${paragraph.split('\n').map((line) => keepSpaces(escapeHtml(line))).join('<br>')}</p>`)
    .join('\n');
}
