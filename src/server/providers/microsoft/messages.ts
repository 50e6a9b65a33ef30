/**
 * Reading messages: the initial listing (newest first, one Graph page per call),
 * fetching by id in `$batch`es, and attachment bytes.
 */
import { ProviderError } from '../errors';
import type { MessagePage } from '../types';
import { BATCH_LIMIT, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MESSAGE_QUERY } from './constants';
import { fromHttp } from './errors';
import type { GraphPage } from './folders';
import { graphCodeOf, type GraphApi } from './graph-client';
import { normalizeAll, type GraphMessage } from './normalize';

const messagePath = (id: string) => `/me/messages/${encodeURIComponent(id)}`;

export async function listMessages(api: GraphApi, opts: { since: Date; pageToken?: string | null; pageSize?: number }): Promise<MessagePage> {
  const size = Math.min(Math.max(1, Math.floor(opts.pageSize ?? DEFAULT_PAGE_SIZE)), MAX_PAGE_SIZE);
  // A page token is Graph's own @odata.nextLink: it already carries filter, order, select and skip.
  const link =
    opts.pageToken ||
    '/me/messages?' +
      [
        `$filter=${encodeURIComponent(`receivedDateTime ge ${opts.since.toISOString()}`)}`,
        `$orderby=${encodeURIComponent('receivedDateTime desc')}`,
        `$top=${size}`,
        '$count=true',
        MESSAGE_QUERY,
      ].join('&');
  const page = await api.get<GraphPage<GraphMessage>>(link);
  const { messages, failures } = normalizeAll(page.value ?? []);
  return {
    messages,
    failures,
    pageToken: page['@odata.nextLink'] ?? null,
    estimatedTotal: typeof page['@odata.count'] === 'number' ? page['@odata.count'] : null,
  };
}

export interface FetchedMessages {
  found: GraphMessage[];
  /** Ids the mailbox no longer has (deleted, or moved to an archive mailbox). */
  missing: string[];
  failures: Array<{ providerId: string; reason: string }>;
}

/** Full messages by id, 20 per `$batch`, in the order asked. */
export async function fetchGraphMessages(api: GraphApi, ids: string[]): Promise<FetchedMessages> {
  const unique = [...new Set(ids)];
  const result: FetchedMessages = { found: [], missing: [], failures: [] };
  for (let start = 0; start < unique.length; start += BATCH_LIMIT) {
    const chunk = unique.slice(start, start + BATCH_LIMIT);
    const responses = await api.batch<GraphMessage>(
      chunk.map((id, index) => ({ id: String(index), method: 'GET' as const, url: `${messagePath(id)}?${MESSAGE_QUERY}` })),
    );
    chunk.forEach((id, index) => {
      const response = responses.get(String(index));
      if (!response) {
        result.failures.push({ providerId: id, reason: 'no answer in the Graph batch response' });
      } else if (response.status === 200 && response.body) {
        result.found.push(response.body);
      } else if (response.status === 404) {
        result.missing.push(id);
      } else {
        const error = fromHttp({ status: response.status, graphCode: graphCodeOf(response.body) }, 'api');
        // Token and mailbox problems concern the whole account, not this message.
        if (error.code === 'REAUTH_REQUIRED' || error.code === 'MAILBOX_NOT_ENABLED') throw error;
        result.failures.push({ providerId: id, reason: error.message });
      }
    });
  }
  return result;
}

export async function fetchMessages(api: GraphApi, ids: string[]): Promise<MessagePage> {
  const fetched = await fetchGraphMessages(api, ids);
  const { messages, failures } = normalizeAll(fetched.found);
  return {
    messages,
    failures: [...fetched.failures, ...failures, ...fetched.missing.map((providerId) => ({ providerId, reason: 'not_found' }))],
  };
}

/** Raw bytes of a file attachment (an item attachment comes as its MIME). */
export async function getAttachment(api: GraphApi, messageId: string, attachmentId: string): Promise<Buffer> {
  const path = `${messagePath(messageId)}/attachments/${encodeURIComponent(attachmentId)}`;
  try {
    return await api.bytes(`${path}/$value`);
  } catch (e) {
    // Older tenants answer `$value` with 400 for some attachment kinds; contentBytes always works.
    if (!(e instanceof ProviderError) || e.status !== 400) throw e;
  }
  const attachment = await api.get<{ contentBytes?: string }>(path);
  if (typeof attachment.contentBytes !== 'string') {
    throw new ProviderError('PROVIDER_ERROR', 'This attachment has no downloadable content (for example a cloud link).');
  }
  return Buffer.from(attachment.contentBytes, 'base64');
}
