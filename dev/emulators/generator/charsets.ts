/**
 * Encoders for the legacy charsets the generator writes (Node can decode them with
 * TextDecoder but cannot encode them). Double-byte tables are derived from TextDecoder.
 */
export type Charset = 'utf-8' | 'iso-8859-1' | 'windows-1252' | 'iso-2022-jp' | 'gb2312';

const WINDOWS_1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

let gbTable: Map<string, number> | null = null;
let jisTable: Map<string, number> | null = null;

/** Reverse table char → two bytes, from decoding every code in the given lead/trail ranges. */
function buildDoubleByteTable(label: string, leadFrom: number, leadTo: number, trailFrom: number, trailTo: number): Map<string, number> {
  const decoder = new TextDecoder(label);
  const table = new Map<string, number>();
  for (let lead = leadFrom; lead <= leadTo; lead++) {
    for (let trail = trailFrom; trail <= trailTo; trail++) {
      const char = decoder.decode(Uint8Array.of(lead, trail));
      if (char.length === 1 && char !== '\ufffd' && !table.has(char)) table.set(char, (lead << 8) | trail);
    }
  }
  return table;
}

function encodeGb2312(text: string): Buffer {
  gbTable ??= buildDoubleByteTable('gbk', 0xa1, 0xf7, 0xa1, 0xfe);
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0x3f;
    if (code < 0x80) bytes.push(code);
    else {
      const pair = gbTable.get(char);
      if (pair === undefined) bytes.push(0x3f);
      else bytes.push(pair >> 8, pair & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** ISO-2022-JP: ASCII plus JIS X 0208 (from EUC-JP codes minus 0x80), switched by escape sequences. */
function encodeIso2022Jp(text: string): Buffer {
  jisTable ??= buildDoubleByteTable('euc-jp', 0xa1, 0xfe, 0xa1, 0xfe);
  const bytes: number[] = [];
  let inJis = false;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0x3f;
    const pair = code < 0x80 ? undefined : jisTable.get(char);
    if (pair !== undefined) {
      if (!inJis) bytes.push(0x1b, 0x24, 0x42);
      inJis = true;
      bytes.push((pair >> 8) - 0x80, (pair & 0xff) - 0x80);
    } else {
      if (inJis) bytes.push(0x1b, 0x28, 0x42);
      inJis = false;
      bytes.push(code < 0x80 ? code : 0x3f);
    }
  }
  if (inJis) bytes.push(0x1b, 0x28, 0x42);
  return Buffer.from(bytes);
}

function encodeSingleByte(text: string, windows: boolean): Buffer {
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0x3f;
    const high = windows ? WINDOWS_1252_HIGH.indexOf(char) : -1;
    if (high >= 0 && code > 0xff) bytes.push(0x80 + high);
    else if (code <= 0xff && !(windows && code >= 0x80 && code <= 0x9f)) bytes.push(code);
    else bytes.push(0x3f);
  }
  return Buffer.from(bytes);
}

/**
 * Decodes text in any charset label TextDecoder knows, except that windows-1252 is decoded
 * here: Node 20's TextDecoder maps its 0x80–0x9F range (€, curly quotes, dashes) to C1 controls.
 */
export function decodeText(data: Buffer, charset: string): string {
  const label = charset.trim().toLowerCase();
  if (label === 'windows-1252' || label === 'cp1252' || label === 'x-cp1252') {
    let out = '';
    for (const byte of data) out += byte >= 0x80 && byte <= 0x9f ? WINDOWS_1252_HIGH[byte - 0x80] : String.fromCharCode(byte);
    return out;
  }
  return new TextDecoder(label === 'us-ascii' || label === 'ascii' ? 'utf-8' : label).decode(data);
}

export function encodeText(text: string, charset: Charset): Buffer {
  switch (charset) {
    case 'utf-8':
      return Buffer.from(text, 'utf8');
    case 'iso-8859-1':
      return encodeSingleByte(text, false);
    case 'windows-1252':
      return encodeSingleByte(text, true);
    case 'gb2312':
      return encodeGb2312(text);
    case 'iso-2022-jp':
      return encodeIso2022Jp(text);
  }
}

/**
 * RFC 2047 B-encoded words in the given charset, folded onto continuation lines.
 * Each word holds whole characters (and, for ISO-2022-JP, returns to ASCII) as the RFC requires.
 */
export function encodeHeaderWords(text: string, charset: Charset): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  const label = charset.toUpperCase();
  const maxBytes = Math.floor((75 - `=?${label}?B??=`.length) / 4) * 3;
  const words: string[] = [];
  let chunk = '';
  for (const char of text) {
    if (chunk && encodeText(chunk + char, charset).length > maxBytes) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?${label}?B?${encodeText(w, charset).toString('base64')}?=`).join('\r\n ');
}
