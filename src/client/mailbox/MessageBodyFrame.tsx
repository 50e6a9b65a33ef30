import React, { useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Button, Skeleton } from 'antd';
import { PictureOutlined } from '@ant-design/icons';
import { MailApiError } from '../api';
import { useMailTranslation } from '../locale';
import { MessageBody, useMailboxApi } from '../mailbox-api';
import { frameDocument } from './frame-document';
import { useFrameHeight } from './useFrameHeight';

/**
 * No `allow-scripts` and no `allow-same-origin`: the message can run nothing and
 * reach nothing of the app. Popups may escape so links open as normal tabs.
 */
export const MESSAGE_FRAME_SANDBOX = 'allow-popups allow-popups-to-escape-sandbox';

/** The one way mail HTML is put on screen: received messages and quoted originals alike. */
export function SandboxedMailFrame({ testId, title, srcDoc, height }: { testId: string; title: string; srcDoc: string; height: number }) {
  return (
    <iframe
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

/** One message's body, sanitized by the server, in a sandboxed frame sized to its content. */
export function MessageBodyFrame({ messageId }: { messageId: string }) {
  const { t } = useMailTranslation();
  const api = useMailboxApi();
  const [allowRemote, setAllowRemote] = useState(false);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const container = useRef<HTMLDivElement>(null);

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
  const height = useFrameHeight(loaded ? loaded.body.html : null, container);

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

  return (
    <div>
      {loaded && loaded.body.remoteImagesBlocked > 0 && !loaded.remoteAllowed && (
        <Alert
          data-testid="mail-remote-images-bar"
          type="info"
          icon={<PictureOutlined />}
          showIcon
          style={{ marginBottom: 8 }}
          message={t('Images from the internet are hidden to protect your privacy.')}
          action={
            <Button size="small" data-testid="mail-show-remote-images" loading={allowRemote && !error} onClick={() => setAllowRemote(true)}>
              {t('Show images')}
            </Button>
          }
        />
      )}
      <div ref={container}>
        {loaded ? (
          <SandboxedMailFrame
            testId="mail-message-body-frame"
            title={t('Message content')}
            srcDoc={srcDoc}
            height={height}
          />
        ) : (
          <Skeleton active title={false} paragraph={{ rows: 3 }} />
        )}
      </div>
    </div>
  );
}
