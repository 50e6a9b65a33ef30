import { canonicalizeCss, sanitizeDeclarations, sanitizeStylesheet } from '../css';
import type { ResourcePolicy } from '../urls';

function policy(allowRemoteImages = false): ResourcePolicy & { blocked: number } {
  const p = {
    allowRemoteImages,
    blocked: 0,
    onRemote(blocked: boolean) {
      if (blocked) p.blocked += 1;
    },
  };
  return p;
}

describe('canonicalizeCss', () => {
  it('spells escaped letters out so filters see them, keeps structural characters escaped, never emits "<"', () => {
    expect(canonicalizeCss('e\\78 pression')).toBe('expression');
    expect(canonicalizeCss('u\\72l\\28 x\\29')).toBe('url\\28 x\\29 ');
    expect(canonicalizeCss('a<b')).toBe('a\\3c b');
    expect(canonicalizeCss('"\\5FAE\\8F6F"')).toBe('"微软"');
    expect(canonicalizeCss('\\0')).toBe('\ufffd');
  });
});

describe('sanitizeDeclarations', () => {
  it('keeps formatting properties with !important and drops the rest', () => {
    expect(sanitizeDeclarations('COLOR: Red !important; cursor: pointer; z-index: 10; font: 12px/1.4 "Segoe UI (Light)", Arial', policy())).toBe(
      'color: Red !important; font: 12px/1.4 "Segoe UI (Light)", Arial',
    );
  });

  it('allows relative positioning only', () => {
    expect(sanitizeDeclarations('position: relative; top: 2px', policy())).toBe('position: relative; top: 2px');
    expect(sanitizeDeclarations('position: fixed; position: absolute; position: sticky', policy())).toBe('');
  });

  it('allows colour and size functions but no others', () => {
    expect(sanitizeDeclarations('color: rgba(0,0,0,.5); width: calc(100% - (2 * 10px)); background: linear-gradient(#fff, #000)', policy())).toBe(
      'color: rgba(0,0,0,.5); width: calc(100% - (2 * 10px)); background: linear-gradient(#fff, #000)',
    );
    expect(sanitizeDeclarations('width: paint(x); color: env(safe-area-inset-top); height: attr(data-x)', policy())).toBe('');
  });

  it('turns a blocked background into "none" but drops other declarations with a blocked url', () => {
    const p = policy();
    expect(sanitizeDeclarations("background: url('https://x.example/a.png') repeat-x #fff; list-style-image: url(https://x.example/b.png); border-image: url(https://x.example/c.png)", p)).toBe(
      'background: none repeat-x #fff; list-style-image: none',
    );
    // border-image is not a property mail may use at all, so it never got as far as loading anything.
    expect(p.blocked).toBe(2);
  });
});

describe('sanitizeStylesheet', () => {
  it('keeps rules, media queries and child selectors, drops unknown at-rules', () => {
    const css = `/* comment */ @charset "utf-8"; @keyframes spin { from { color: red } }
      @media screen and (max-width: 480px) { .stack > td { display: block !important; width: 100% !important } }
      table.body td { padding: 0 }`;
    expect(sanitizeStylesheet(css, policy())).toBe(
      '@media screen and (max-width: 480px) {\n.stack > td { display: block !important; width: 100% !important }\n}\ntable.body td { padding: 0 }',
    );
  });

  it('survives unbalanced braces and quotes without leaking anything', () => {
    expect(sanitizeStylesheet('p { color: red } } div { color: "unterminated }', policy())).toBe('p { color: red }');
    expect(sanitizeStylesheet('a[title="<img src=x onerror=alert(1)>"] { color: red }', policy())).not.toContain('<');
  });
});
