import { useCallback, useEffect, useRef, useState } from 'react';
import { MailApiError } from '../api';
import type { ComposeDraft, ComposeStart, MailboxApi, SendRequest, SendResult } from '../mailbox-api';
import { newRequestId } from './request-id';

export type SendOutcome = { ok: true; result: SendResult } | { ok: false; error: MailApiError };

export interface ComposeSession {
  /** The latest draft loaded; kept while another account's draft loads. */
  draft: ComposeDraft | null;
  loading: boolean;
  loadError: string | null;
  reload(): void;
  /** A new message only: start again from another account (what was typed stays in the form). */
  switchAccount(accountId: string): void;
  sending: boolean;
  /** One id for the whole compose session: a retry after a failure or a lost answer never sends twice. */
  clientRequestId: string;
  /** Sends a request built with `clientRequestId`; refuses to start a second while one is under way. */
  send(request: SendRequest): Promise<SendOutcome>;
}

const asMailError = (e: unknown): MailApiError => (e instanceof MailApiError ? e : new MailApiError(e instanceof Error ? e.message : String(e)));

/** Loads what the compose form starts with and sends what it holds. */
export function useCompose(api: MailboxApi, initial: ComposeStart): ComposeSession {
  const [start, setStart] = useState(initial);
  const [draft, setDraft] = useState<ComposeDraft | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [sending, setSending] = useState(false);
  const [clientRequestId] = useState(newRequestId);
  const inFlight = useRef(false);

  useEffect(() => {
    let live = true;
    setLoading(true);
    setLoadError(null);
    api.composeDraft(start).then(
      (loaded) => {
        if (!live) return;
        setDraft(loaded);
        setLoading(false);
      },
      (e: unknown) => {
        if (!live) return;
        setLoadError(asMailError(e).message);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [api, start, attempt]);

  const send = useCallback(
    async (request: SendRequest): Promise<SendOutcome> => {
      // A second click or Ctrl+Enter while the first send is under way does nothing.
      if (inFlight.current) return { ok: false, error: new MailApiError('The message is already being sent.', 'SEND_IN_PROGRESS') };
      inFlight.current = true;
      setSending(true);
      try {
        return { ok: true, result: await api.send(request) };
      } catch (e) {
        return { ok: false, error: asMailError(e) };
      } finally {
        inFlight.current = false;
        setSending(false);
      }
    },
    [api],
  );

  return {
    draft,
    loading,
    loadError,
    reload: () => setAttempt((n) => n + 1),
    switchAccount: (accountId) => setStart((s) => (s.mode === 'new' && s.accountId !== accountId ? { mode: 'new', accountId } : s)),
    sending,
    clientRequestId,
    send,
  };
}
