import React from 'react';
import { Button, Form, Input, Space } from 'antd';
import type { FormRule as Rule } from 'antd';
import type { MailAccountView } from '../api';
import { useMailTranslation } from '../locale';
import type { ComposeDraft } from '../mailbox-api';
import { invalidEntries } from './addresses';
import { FromSelect } from './FromSelect';
import { RecipientsField } from './RecipientsField';
import type { ComposeValues } from './send-request';

interface Props {
  draft: ComposeDraft;
  accounts: MailAccountView[];
  showFrom: boolean;
  showCc: boolean;
  showBcc: boolean;
  onReveal(field: 'cc' | 'bcc'): void;
  onAccountChange(accountId: string, address: string): void;
}

/** From, To, Cc, Bcc, Subject and the writer's text, inside the compose form. */
export function ComposeFields({ draft, accounts, showFrom, showCc, showBcc, onReveal, onAccountChange }: Props) {
  const { t } = useMailTranslation();
  const validAddresses: Rule = {
    validator: async (_, entries?: string[]) => {
      if (invalidEntries(entries).length) throw new Error(t('Check the addresses marked in red: they are not valid email addresses.'));
    },
  };
  const someRecipient: Rule = ({ getFieldValue }) => ({
    validator: async () => {
      const count = (['to', 'cc', 'bcc'] as const).reduce((n, f) => n + ((getFieldValue(f) as ComposeValues['to'])?.length ?? 0), 0);
      if (!count) throw new Error(t('Add at least one recipient.'));
    },
  });
  const answering = draft.mode === 'reply' || draft.mode === 'replyAll';

  return (
    <>
      {showFrom && (
        <Form.Item label={t('From')} name="from">
          <FromSelect draft={draft} accounts={accounts} onAccountChange={onAccountChange} />
        </Form.Item>
      )}
      <Form.Item label={t('To')} required={false}>
        <div style={{ display: 'flex', alignItems: 'center', gap: 4 }}>
          <Form.Item noStyle name="to" rules={[validAddresses, someRecipient]} dependencies={['cc', 'bcc']}>
            <RecipientsField aria-label={t('To')} autoFocus={!answering} />
          </Form.Item>
          {(!showCc || !showBcc) && (
            <Space size={0} style={{ flex: 'none' }}>
              {!showCc && (
                <Button type="link" size="small" onClick={() => onReveal('cc')} data-testid="mail-compose-show-cc">
                  {t('Cc')}
                </Button>
              )}
              {!showBcc && (
                <Button type="link" size="small" onClick={() => onReveal('bcc')} data-testid="mail-compose-show-bcc">
                  {t('Bcc')}
                </Button>
              )}
            </Space>
          )}
        </div>
      </Form.Item>
      {showCc && (
        <Form.Item label={t('Cc')} name="cc" rules={[validAddresses]}>
          <RecipientsField aria-label={t('Cc')} />
        </Form.Item>
      )}
      {showBcc && (
        <Form.Item label={t('Bcc')} name="bcc" rules={[validAddresses]}>
          <RecipientsField aria-label={t('Bcc')} />
        </Form.Item>
      )}
      <Form.Item label={t('Subject')} name="subject">
        <Input aria-label={t('Subject')} />
      </Form.Item>
      <Form.Item name="body" style={{ marginBottom: 12 }}>
        <Input.TextArea aria-label={t('Message')} autoFocus={answering} rows={12} />
      </Form.Item>
    </>
  );
}
