import React, { useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Button, Skeleton } from 'antd';
import { DownloadOutlined, PictureOutlined } from '@ant-design/icons';
import { MailApiError } from '../api';
import { useMailTranslation } from '../locale';
import { MessageBody, useMailboxApi } from '../mailbox-api';
import { saveBlob } from './download';
import { frameDocument } from './frame-document';
import { useFrameHeight } from './useFrameHeight';

/**
 * No `allow-scripts`: nothing in the message ever runs (its own policy says
 * `script-src 'none'` as well). `allow-same-origin` without scripts gives the
 * message no power, since only script could use the origin, but lets the page
 * read the laid-out height, so the message is laid out once, here, under the
 * frame's own policy. Never add `allow-scripts` to this: together they would
 * let a message escape the sandbox. Popups may escape so links open as normal tabs.
 */
export const MESSAGE_FRAME_SANDBOX = 'allow-same-origin allow-popups allow-popups-to-escape-sandbox';

/** The one way mail HTML is put on screen: received messages and quoted originals alike, sized to their content. */
export function SandboxedMailFrame({ testId, title, srcDoc }: { testId: string; title: string; srcDoc: string }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const height = useFrameHeight(frame, srcDoc);
  return (
    <iframe
      ref={frame}
      data-testid={testId}
      title={title}
      sandbox={MESSAGE_FRAME_SANDBOX}
      referrerPolicy="no-referrer"
      srcDoc={srcDoc}
      style={{ display: 'block', width: '100%', height, border: 0, background: '#fff' }}
    />
  );
}

interface Loaded {
  body: MessageBody;
  remoteAllowed: boolean;
}

function TooLarge({ messageId, chars }: { messageId: string; chars: number }) {
  const { t } = useMailTranslation();
  const api = useMailboxApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const download = () => {
    setBusy(true);
    setError(null);
    api.downloadMessageBody(messageId).then(
      (file) => {
        setBusy(false);
        saveBlob(file.blob, file.filename);
      },
      (e: unknown) => {
        setBusy(false);
        setError(e instanceof MailApiError ? e.message : String(e));
      },
    );
  };
  return (
    <Alert
      data-testid="mail-message-too-large"
      type="warning"
      showIcon
      message={t('This message is too large to display ({{size}} MB).', { size: (chars / (1024 * 1024)).toFixed(1) })}
      description={error ?? t('Download it to read it.')}
      action={
        <Button size="small" icon={<DownloadOutlined />} loading={busy} onClick={download} data-testid="mail-message-download-body">
          {t('Download')}
        </Button>
      }
    />
  );
}

/** One message's body, sanitized by the server, in a sandboxed frame sized to its content. */
export function MessageBodyFrame({ messageId }: { messageId: string }) {
  const { t } = useMailTranslation();
  const api = useMailboxApi();
  const [allowRemote, setAllowRemote] = useState(false);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    setError(null);
    api.messageBody(messageId, allowRemote).then(
      (body) => live && setLoaded({ body, remoteAllowed: allowRemote }),
      (e: unknown) => live && setError(e instanceof MailApiError ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [api, messageId, allowRemote, attempt]);

  const srcDoc = useMemo(
    () => (loaded ? frameDocument(loaded.body.html, { origin: window.location.origin, allowRemoteContent: loaded.remoteAllowed }) : ''),
    [loaded],
  );

  if (error && !loaded) {
    return (
      <Alert
        type="error"
        showIcon
        message={t('The message could not be shown.')}
        description={error}
        action={
          <Button size="small" onClick={() => setAttempt((n) => n + 1)}>
            {t('Try again')}
          </Button>
        }
      />
    );
  }

  if (loaded?.body.tooLarge) return <TooLarge messageId={messageId} chars={loaded.body.tooLarge.chars} />;

  return (
    <div>
      {loaded && loaded.body.remoteImagesBlocked > 0 && !loaded.remoteAllowed && (
        <RemoteImagesBar loading={allowRemote && !error} onShow={() => setAllowRemote(true)} />
      )}
      {loaded ? (
        <SandboxedMailFrame testId="mail-message-body-frame" title={t('Message content')} srcDoc={srcDoc} />
      ) : (
        <Skeleton active title={false} paragraph={{ rows: 3 }} />
      )}
    </div>
  );
}

/** "Images from the internet are hidden" with its "Show images" button, for a message and for a quoted original. */
export function RemoteImagesBar({ loading, onShow, testIdPrefix = 'mail' }: { loading: boolean; onShow(): void; testIdPrefix?: string }) {
  const { t } = useMailTranslation();
  return (
    <Alert
      data-testid={`${testIdPrefix}-remote-images-bar`}
      type="info"
      icon={<PictureOutlined />}
      showIcon
      style={{ marginBottom: 8 }}
      message={t('Images from the internet are hidden to protect your privacy.')}
      action={
        <Button size="small" data-testid={`${testIdPrefix}-show-remote-images`} loading={loading} onClick={onShow}>
          {t('Show images')}
        </Button>
      }
    />
  );
}
