import React, { useRef } from 'react';
import { Alert, Button, Drawer, Skeleton } from 'antd';
import type { MailAccountView } from '../api';
import { useMailTranslation } from '../locale';
import { ComposeStart, SendResult, useMailboxApi } from '../mailbox-api';
import { ComposeEditor } from './ComposeEditor';
import { useCompose } from './useCompose';

const TITLES: Record<ComposeStart['mode'], string> = { new: 'New message', reply: 'Reply', replyAll: 'Reply all', forward: 'Forward' };

interface Props {
  start: ComposeStart;
  accounts: MailAccountView[];
  onClose(): void;
  onSent(result: SendResult): void;
}

/** Writing a message, in a drawer over the mailbox: one compose session per mount. */
export function ComposeDrawer({ start, accounts, onClose, onSent }: Props) {
  const { t } = useMailTranslation();
  const api = useMailboxApi();
  const session = useCompose(api, start);
  const discard = useRef<() => void>(onClose);

  return (
    <Drawer
      open
      data-testid="mail-compose"
      title={t(TITLES[start.mode])}
      width="min(760px, 100vw)"
      // Closing from the corner, Esc or the mask asks first when something would be lost.
      onClose={() => (session.draft ? discard.current() : onClose())}
      maskClosable={!session.sending}
      keyboard={!session.sending}
    >
      {session.draft ? (
        <ComposeEditor
          session={session}
          draft={session.draft}
          accounts={accounts}
          onSent={onSent}
          onDiscard={onClose}
          requestDiscard={discard}
        />
      ) : session.loadError ? (
        <Alert
          type="error"
          showIcon
          message={t('The message could not be prepared.')}
          description={session.loadError}
          action={
            <Button size="small" onClick={session.reload}>
              {t('Try again')}
            </Button>
          }
        />
      ) : (
        <Skeleton active paragraph={{ rows: 8 }} />
      )}
    </Drawer>
  );
}
