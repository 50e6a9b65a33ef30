/**
 * Message-ID handling. Providers and mailers disagree on brackets, whitespace and
 * folding; everything the plugin stores or compares is in the one `<id@host>` form.
 */

/** `id@host`, ` <id@host> `, `<id@host>` → `<id@host>`; empty/garbage → null. */
export function normalizeMessageId(id: string | null | undefined): string | null {
  if (typeof id !== 'string') return null;
  const found = extractMessageIds(id);
  return found[0] ?? null;
}

/**
 * All message ids in a References / In-Reply-To value (or a list of them), in
 * order, normalized to `<id>`. Bracketed ids win; a value without any brackets is
 * split on whitespace/commas (some mailers and APIs drop the brackets).
 */
export function extractMessageIds(value: string | ReadonlyArray<string> | null | undefined): string[] {
  if (value == null) return [];
  const parts = typeof value === 'string' ? [value] : value;
  const out: string[] = [];
  for (const part of parts) {
    if (typeof part !== 'string') continue;
    // Unfold and drop comments-free whitespace inside brackets (`<a@b\r\n c>` is a folded id).
    const bracketed = part.match(/<[^<>]*>/g);
    if (bracketed && bracketed.length > 0) {
      for (const b of bracketed) {
        const inner = b.slice(1, -1).replace(/\s+/g, '');
        if (inner) out.push(`<${inner}>`);
      }
      continue;
    }
    for (const token of part.split(/[\s,]+/)) {
      const inner = token.replace(/^<|>$/g, '').trim();
      if (inner) out.push(`<${inner}>`);
    }
  }
  return out;
}

/** Order-preserving de-duplication (message ids are compared exactly, as RFC 5322 says). */
export function uniqueIds(ids: Iterable<string>): string[] {
  return [...new Set(ids)];
}
