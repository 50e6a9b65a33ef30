import type { AccountStatus, MailAccountView, ProviderName } from '../../shared/wire-types';

/** What the API shows of an account (the shape is shared with the client). */
export type AccountView = MailAccountView;

type Row = { get(key: string): unknown };

function iso(v: unknown): string | null {
  if (!v) return null;
  const d = v instanceof Date ? v : new Date(String(v));
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function toAccountView(row: Row): AccountView {
  return {
    id: String(row.get('id')),
    userId: String(row.get('userId')),
    provider: row.get('provider') as ProviderName,
    address: String(row.get('address')),
    displayName: (row.get('displayName') as string | null) ?? null,
    aliases: (row.get('aliases') as AccountView['aliases']) ?? [],
    status: (row.get('status') ?? 'connecting') as AccountStatus,
    statusCode: (row.get('statusCode') as string | null) ?? null,
    statusMessage: (row.get('statusMessage') as string | null) ?? null,
    rateLimitedUntil: iso(row.get('rateLimitedUntil')),
    syncFrom: iso(row.get('syncFrom')),
    progressDone: Number(row.get('progressDone') ?? 0),
    progressTotal: row.get('progressTotal') === null || row.get('progressTotal') === undefined ? null : Number(row.get('progressTotal')),
    lastSyncAt: iso(row.get('lastSyncAt')),
    lastSuccessAt: iso(row.get('lastSuccessAt')),
    createdAt: iso(row.get('createdAt')),
  };
}
