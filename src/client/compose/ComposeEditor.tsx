import React, { MutableRefObject, useCallback, useEffect, useRef, useState } from 'react';
import { Alert, Button, Form, message, Modal, Space, Tooltip } from 'antd';
import { DeleteOutlined, SendOutlined } from '@ant-design/icons';
import type { MailAccountView, MailApiError } from '../api';
import { useMailTranslation } from '../locale';
import type { ComposeDraft, SendResult } from '../mailbox-api';
import { formatRecipient } from './addresses';
import { ComposeAttachments, ListedFile } from './ComposeAttachments';
import { ComposeFields } from './ComposeFields';
import { ask } from './confirm';
import { QuotedOriginal } from './QuotedOriginal';
import { buildSendRequest, ComposeValues, formFieldOf } from './send-request';
import { useAttachments } from './useAttachments';
import type { ComposeSession } from './useCompose';

interface Props {
  session: ComposeSession;
  draft: ComposeDraft;
  accounts: MailAccountView[];
  onSent(result: SendResult): void;
  onDiscard(): void;
  /** Set by the editor to its Discard, so closing the drawer another way asks the same question. */
  requestDiscard: MutableRefObject<() => void>;
}

const RAW = { interpolation: { escapeValue: false } };

function initialValues(draft: ComposeDraft): ComposeValues {
  return { from: draft.from.address, to: draft.to.map(formatRecipient), cc: draft.cc.map(formatRecipient), bcc: [], subject: draft.subject, body: '' };
}

/** The compose form with its quote, files and Send / Discard; mounted once the first draft has arrived. */
export function ComposeEditor({ session, draft, accounts, onSent, onDiscard, requestDiscard }: Props) {
  const { t } = useMailTranslation();
  const [form] = Form.useForm<ComposeValues>();
  const [modal, modalHolder] = Modal.useModal();
  const [revealed, setRevealed] = useState({ cc: draft.cc.length > 0, bcc: false });
  const [includeQuote, setIncludeQuote] = useState(true);
  const [droppedForwards, setDroppedForwards] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const onReadError = useCallback((file: File) => setError(t('{{name}} could not be read.', { name: file.name, ...RAW })), [t]);
  const uploads = useAttachments(onReadError);
  /** The address picked from another account, applied once that account's draft arrives. */
  const wantedFrom = useRef<string | null>(null);

  const forwards = draft.mode === 'forward' ? draft.forwardAttachments.filter((a) => !droppedForwards.has(a.id)) : [];
  const showFrom = draft.fromChoices.length > 1 || (draft.mode === 'new' && accounts.length > 1);

  // Another account's draft for a new message: only the sender changes, what was typed stays.
  useEffect(() => {
    const wanted = wantedFrom.current;
    const choice = draft.fromChoices.find((c) => c.address.toLowerCase() === wanted?.toLowerCase());
    form.setFieldValue('from', choice?.address ?? draft.from.address);
    wantedFrom.current = null;
  }, [draft, form]);

  const hasChanges = () => form.isFieldsTouched(['to', 'cc', 'bcc', 'subject', 'body']) || uploads.files.length > 0 || droppedForwards.size > 0;

  const listed: ListedFile[] = [
    ...forwards.map((a) => ({ key: `forward:${a.id}`, filename: a.filename, size: a.size, forwarded: true })),
    ...uploads.files.map((f) => ({ key: f.uid, filename: f.filename, size: f.size, forwarded: false })),
  ];

  const explain = (e: MailApiError) => {
    // Not every 413 comes from our action (the host's body limit answers without our message).
    if (e.status === 413 && !e.code) return t('The message is too large to send. Remove some attachments and try again.');
    // The provider may have sent it: say so, and that sending again (same request id) cannot send it twice.
    if (e.code === 'MAY_HAVE_BEEN_SENT') {
      return t('The provider did not confirm this message, so it may have been sent. Look in Sent before writing it again: sending it again from here first looks in Sent and never sends it twice.');
    }
    return e.message;
  };

  const send = async () => {
    if (session.sending || uploads.reading > 0) return;
    setError(null);
    let values: ComposeValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    if (!values.subject?.trim()) {
      const sendAnyway = await ask(modal.confirm, { title: t('Send without a subject?'), okText: t('Send'), cancelText: t('Cancel') });
      if (!sendAnyway) return;
    }
    const request = buildSendRequest(draft, values, {
      accountId: draft.accountId,
      includeQuote,
      uploads: uploads.files.map(({ filename, contentType, contentBase64 }) => ({ filename, contentType, contentBase64 })),
      forwardAttachmentIds: forwards.map((a) => a.id),
      clientRequestId: session.clientRequestId,
    });
    const outcome = await session.send(request);
    if (outcome.ok) {
      message.success(t('Message sent'));
      onSent(outcome.result);
      return;
    }
    if (outcome.error.code === 'SEND_IN_PROGRESS') return;
    // On the field it names when that field is on screen; otherwise above the form.
    const field = formFieldOf(outcome.error.field);
    const onScreen: Record<keyof ComposeValues, boolean> = { from: showFrom, to: true, cc: revealed.cc, bcc: revealed.bcc, subject: true, body: true };
    if (field && onScreen[field]) form.setFields([{ name: field, errors: [outcome.error.message] }]);
    else setError(explain(outcome.error));
  };

  /** Set while the question is on screen, so Esc or a second click does not ask twice. */
  const asking = useRef(false);
  const discard = async () => {
    if (session.sending || asking.current) return;
    if (hasChanges()) {
      asking.current = true;
      const sure = await ask(modal.confirm, { title: t('Discard this message?'), content: t('What you wrote will be lost.'), okText: t('Discard'), okButtonProps: { danger: true }, cancelText: t('Keep editing') });
      asking.current = false;
      if (!sure) return;
    }
    onDiscard();
  };
  requestDiscard.current = () => void discard();

  return (
    <div
      data-testid="mail-compose-form"
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          void send();
        }
      }}
    >
      {modalHolder}
      {session.loadError && <Alert type="warning" showIcon style={{ marginBottom: 12 }} message={session.loadError} />}
      {error && <Alert data-testid="mail-compose-error" type="error" showIcon closable onClose={() => setError(null)} style={{ marginBottom: 12 }} message={error} />}
      {/* A name keeps the fields' ids apart from other forms on the page. */}
      <Form form={form} name="mail-compose" initialValues={initialValues(draft)} layout="horizontal" labelCol={{ flex: '64px' }} wrapperCol={{ flex: 1 }} labelAlign="left" colon={false}>
        <ComposeFields
          draft={draft}
          accounts={accounts}
          showFrom={showFrom}
          showCc={revealed.cc}
          showBcc={revealed.bcc}
          onReveal={(field) => setRevealed((r) => ({ ...r, [field]: true }))}
          onAccountChange={(accountId, address) => {
            wantedFrom.current = address;
            session.switchAccount(accountId);
          }}
        />
      </Form>
      {draft.quotedHtml && <QuotedOriginal draft={draft} include={includeQuote} onIncludeChange={setIncludeQuote} />}
      <div style={{ marginTop: 12 }}>
        <ComposeAttachments
          files={listed}
          reading={uploads.reading}
          disabled={session.sending}
          onPick={(file) => void uploads.add(file)}
          onRemove={(f) => (f.forwarded ? setDroppedForwards((s) => new Set([...s, f.key.slice('forward:'.length)])) : uploads.remove(f.key))}
        />
      </div>
      <Space style={{ marginTop: 16, width: '100%', justifyContent: 'space-between' }}>
        <Tooltip title={t('Ctrl+Enter sends')}>
          <Button type="primary" icon={<SendOutlined />} loading={session.sending} disabled={uploads.reading > 0 || session.loading} onClick={() => void send()} data-testid="mail-compose-send">
            {t('Send')}
          </Button>
        </Tooltip>
        <Button icon={<DeleteOutlined />} disabled={session.sending} onClick={() => void discard()} data-testid="mail-compose-discard">
          {t('Discard')}
        </Button>
      </Space>
    </div>
  );
}
