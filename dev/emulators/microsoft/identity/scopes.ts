/** Scope strings as the identity platform sees them, and the Graph permissions they grant. */
import { GRAPH_RESOURCE } from '../constants';

export const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

export function splitScopes(scope: string | null | undefined): string[] {
  return (scope ?? '').split(/\s+/).filter(Boolean);
}

/** Lower-cased Graph permission names (`mail.readwrite`) from requested scopes. */
export function graphPermissions(scopes: string[]): Set<string> {
  const out = new Set<string>();
  for (const scope of scopes) {
    if (OIDC_SCOPES.has(scope.toLowerCase())) continue;
    const lower = scope.toLowerCase();
    const prefix = `${GRAPH_RESOURCE}/`;
    const name = lower.startsWith(prefix) ? lower.slice(prefix.length) : lower;
    if (name === '.default') {
      for (const p of ['user.read', 'mail.readwrite', 'mail.send', 'mailboxsettings.read']) out.add(p);
    } else {
      out.add(name);
    }
  }
  return out;
}

/** Whether granted permissions allow an operation needing one of `anyOf`. */
export function allows(granted: Set<string>, anyOf: string[]): boolean {
  return anyOf.some((p) => granted.has(p.toLowerCase()));
}
