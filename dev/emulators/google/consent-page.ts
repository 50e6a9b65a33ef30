import type { GoogleUser, OAuthClient, PendingAuthorization } from './state';

const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** The emulator's "Sign in with Google" consent page: pick an account (or type one), then Allow or Deny. */
export function renderConsentPage(pending: PendingAuthorization, client: OAuthClient, users: GoogleUser[]): string {
  const hint = pending.loginHint?.toLowerCase() ?? null;
  const selected = users.find((u) => u.address === hint) ?? users[0];
  const accounts = users
    .map(
      (u) => `<label class="account"><input type="radio" name="account" value="${escape(u.address)}"${u === selected ? ' checked' : ''}>
        <span class="name">${escape(u.name)}</span> <span class="address">${escape(u.address)}</span></label>`,
    )
    .join('\n');
  const scopes = pending.scope
    .split(/\s+/)
    .filter(Boolean)
    .map((s) => `<li>${escape(s)}</li>`)
    .join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in - Google Accounts (emulator)</title>
<style>
body{font-family:Roboto,Arial,sans-serif;background:#f1f3f4;margin:0}
main{max-width:460px;margin:48px auto;background:#fff;border:1px solid #dadce0;border-radius:8px;padding:32px}
h1{font-size:22px;font-weight:400}.account{display:block;padding:10px;border-bottom:1px solid #eee;cursor:pointer}
.address{color:#5f6368}.actions{display:flex;gap:12px;justify-content:flex-end;margin-top:24px}
button{padding:8px 20px;border-radius:4px;border:1px solid #dadce0;background:#fff;cursor:pointer}
button.allow{background:#1a73e8;color:#fff;border-color:#1a73e8}
</style></head>
<body><main>
<p>Google emulator</p>
<h1>Choose an account to continue to <strong>${escape(client.clientId)}</strong></h1>
<form method="POST" action="/o/oauth2/v2/auth/consent">
<input type="hidden" name="request_id" value="${escape(pending.id)}">
${accounts}
<label class="account">Use another account: <input type="email" name="email" placeholder="someone@gmail.test"${users.length === 0 && hint ? ` value="${escape(hint)}"` : ''}></label>
<p>This will allow the application to:</p><ul>${scopes}</ul>
<div class="actions">
<button type="submit" name="decision" value="deny" class="deny">Deny</button>
<button type="submit" name="decision" value="allow" class="allow">Allow</button>
</div>
</form>
</main></body></html>`;
}

export function renderErrorPage(status: number, error: string, detail: string): { status: number; headers: Record<string, string>; body: string } {
  return {
    status,
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
    body: `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Error ${status} (${escape(error)})</title></head>
<body><main><h1>Access blocked: authorization error</h1><p>Error ${status}: <code>${escape(error)}</code></p><p>${escape(detail)}</p></main></body></html>`,
  };
}
