import fs from 'node:fs';
import path from 'node:path';

const LOCALE_DIR = path.resolve(__dirname, '..');
const CLIENT_DIR = path.resolve(__dirname, '../../client');
const LANGS = ['en-US', 'zh-CN', 'it-IT', 'de-DE', 'fr-FR', 'vi-VN'];

function read(lang: string): Record<string, string> {
  return JSON.parse(fs.readFileSync(path.join(LOCALE_DIR, `${lang}.json`), 'utf8')) as Record<string, string>;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === '__tests__' ? [] : sourceFiles(full);
    return /\.tsx?$/.test(e.name) ? [full] : [];
  });
}

describe('translations', () => {
  it('every language has exactly the English keys, none left empty', () => {
    const english = Object.keys(read('en-US')).sort();
    for (const lang of LANGS) {
      const messages = read(lang);
      expect(Object.keys(messages).sort(), lang).toEqual(english);
      for (const [key, value] of Object.entries(messages)) expect(value.trim(), `${lang}: ${key}`).not.toBe('');
    }
  });

  it('every literal the client translates has an English entry', () => {
    const english = read('en-US');
    const missing: string[] = [];
    for (const file of sourceFiles(CLIENT_DIR)) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'((?:[^'\\]|\\.)*)'/g)) {
        const key = m[1].replace(/\\'/g, "'");
        if (!(key in english)) missing.push(`${path.relative(CLIENT_DIR, file)}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
