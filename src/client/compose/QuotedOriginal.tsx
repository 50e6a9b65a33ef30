import React, { useEffect, useMemo, useState } from 'react';
import { Alert, Button, Checkbox, Space, theme } from 'antd';
import { EllipsisOutlined } from '@ant-design/icons';
import { MailApiError } from '../api';
import { useMailTranslation } from '../locale';
import { useMailboxApi, type ComposeDraft } from '../mailbox-api';
import { frameDocument } from '../mailbox/frame-document';
import { RemoteImagesBar, SandboxedMailFrame } from '../mailbox/MessageBodyFrame';

interface Props {
  /** The draft whose quote this is: its quotedHtml (sanitized on the server, remote images held back) and original. */
  draft: Pick<ComposeDraft, 'quotedHtml' | 'quotedRemoteImagesBlocked' | 'originalId' | 'mode'>;
  include: boolean;
  onIncludeChange(include: boolean): void;
}

/**
 * The original under a reply or forward: folded away until asked for, and left
 * out on request. Shown like a received message: in the sandboxed frame, with
 * remote images held back until the writer chooses "Show images" (which asks
 * the server for the quote with them; nothing remote is in the page before).
 */
export function QuotedOriginal({ draft, include, onIncludeChange }: Props) {
  const { t } = useMailTranslation();
  const { token } = theme.useToken();
  const api = useMailboxApi();
  const [open, setOpen] = useState(false);
  const [wantImages, setWantImages] = useState(false);
  const [withImages, setWithImages] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { originalId, mode } = draft;

  useEffect(() => {
    if (!wantImages || !originalId || mode === 'new') return undefined;
    let live = true;
    setError(null);
    api.composeDraft({ mode, messageId: originalId }, { allowRemoteImages: true }).then(
      (d) => live && setWithImages(d.quotedHtml),
      (e: unknown) => {
        if (!live) return;
        setWantImages(false);
        setError(e instanceof MailApiError ? e.message : String(e));
      },
    );
    return () => {
      live = false;
    };
  }, [api, wantImages, originalId, mode]);

  const html = withImages ?? draft.quotedHtml;
  const srcDoc = useMemo(() => frameDocument(html, { origin: window.location.origin, allowRemoteContent: withImages !== null }), [html, withImages]);

  return (
    <div data-testid="mail-compose-quote">
      <Space size={12} wrap>
        <Button size="small" icon={<EllipsisOutlined />} aria-expanded={open} onClick={() => setOpen((v) => !v)} data-testid="mail-compose-quote-toggle">
          {open ? t('Hide quoted text') : t('Show quoted text')}
        </Button>
        <Checkbox checked={include} onChange={(e) => onIncludeChange(e.target.checked)} data-testid="mail-compose-include-quote">
          {t('Include the original message')}
        </Checkbox>
      </Space>
      {open && (
        <div style={{ marginTop: 8, borderLeft: `2px solid ${token.colorBorder}`, paddingLeft: 8, opacity: include ? 1 : 0.45 }}>
          {error && <Alert type="error" showIcon closable onClose={() => setError(null)} style={{ marginBottom: 8 }} message={error} />}
          {draft.quotedRemoteImagesBlocked > 0 && withImages === null && (
            <RemoteImagesBar testIdPrefix="mail-compose-quote" loading={wantImages} onShow={() => setWantImages(true)} />
          )}
          <SandboxedMailFrame testId="mail-compose-quote-frame" title={t('Quoted original message')} srcDoc={srcDoc} />
        </div>
      )}
    </div>
  );
}
