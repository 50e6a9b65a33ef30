/**
 * The emulated sign-in + consent page: pick or type an account, then Accept or Cancel.
 * Accept comes first in the form so that pressing Enter accepts.
 */
import { escapeHtml } from '../http-util';
import type { Mailbox } from '../mailbox';

export interface ConsentPageInput {
  /** Original authorize query string, posted back unchanged. */
  request: string;
  clientName: string;
  scopes: string[];
  accounts: Mailbox[];
  loginHint: string | null;
  action: string;
}

export function consentPage(input: ConsentPageInput): string {
  const hint = input.loginHint?.toLowerCase() ?? null;
  const hinted = input.accounts.some((m) => m.user.address.toLowerCase() === hint);
  const accounts = input.accounts
    .map((mailbox, index) => {
      const address = mailbox.user.address;
      const checked = hint ? address.toLowerCase() === hint : index === 0;
      return `<label class="account"><input type="radio" name="account" value="${escapeHtml(address)}"${checked ? ' checked' : ''}>
        <span class="name">${escapeHtml(mailbox.user.displayName)}</span> <span class="address">${escapeHtml(address)}</span></label>`;
    })
    .join('\n');
  const scopes = input.scopes.map((scope) => `<li>${escapeHtml(scope)}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in to your account (emulated)</title>
<style>
body{font-family:"Segoe UI",system-ui,sans-serif;background:#f2f2f2;margin:0}
main{max-width:440px;margin:48px auto;background:#fff;padding:32px 40px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:22px;font-weight:600}.account{display:block;padding:8px 0}.address{color:#555}
.other{margin-top:12px}input[type=email],input[type=text]{width:100%;padding:6px;margin-top:4px;box-sizing:border-box}
.buttons{margin-top:24px;display:flex;flex-direction:row-reverse;gap:8px}
button{padding:8px 20px;border:1px solid #8a8886;background:#fff}button.primary{background:#0067b8;color:#fff;border-color:#0067b8}
.note{font-size:12px;color:#666;margin-top:16px}
</style></head>
<body><main>
<p>Microsoft identity platform (local emulator)</p>
<h1>Permissions requested</h1>
<p><strong>${escapeHtml(input.clientName)}</strong> would like to:</p>
<ul>${scopes}</ul>
<form method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="request" value="${escapeHtml(input.request)}">
<fieldset><legend>Pick an account</legend>
${accounts || '<p>No seeded accounts: type an address below.</p>'}
<div class="other"><label>Or use another account<input type="email" name="login" placeholder="someone@example.com" value="${hint && !hinted ? escapeHtml(input.loginHint ?? '') : ''}"></label>
<label>Display name<input type="text" name="displayName" placeholder="optional"></label></div>
</fieldset>
<div class="buttons"><button type="submit" name="decision" value="accept" class="primary">Accept</button>
<button type="submit" name="decision" value="cancel">Cancel</button></div>
</form>
<p class="note">This page is served by the development emulator. No real Microsoft account is used.</p>
</main></body></html>`;
}

export function errorPage(code: number, message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in error (emulated)</title></head>
<body><main><h1>Sorry, but we’re having trouble signing you in.</h1>
<p id="error">AADSTS${code}: ${escapeHtml(message)}</p></main></body></html>`;
}
