import React, { useState } from 'react';
import { Button, message, Space, Typography } from 'antd';
import { PaperClipOutlined } from '@ant-design/icons';
import { MailApiError } from '../api';
import { useMailTranslation } from '../locale';
import { MailAttachmentView, useMailboxApi } from '../mailbox-api';
import { saveBlob } from './download';
import { fileSize } from './format';

/** The files a message carries (inline images are part of the body and not listed). */
export function AttachmentList({ attachments }: { attachments: MailAttachmentView[] }) {
  const { t } = useMailTranslation();
  const api = useMailboxApi();
  const [busy, setBusy] = useState<string | null>(null);
  const files = attachments.filter((a) => !a.inline);
  if (!files.length) return null;

  const download = async (a: MailAttachmentView) => {
    setBusy(a.id);
    try {
      saveBlob(await api.downloadAttachment(a.id), a.filename);
    } catch (e) {
      message.error(e instanceof MailApiError ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Space wrap size={[8, 4]} style={{ margin: '8px 0' }} aria-label={t('Attachments')}>
      {files.map((a) => (
        <Button
          key={a.id}
          size="small"
          icon={<PaperClipOutlined />}
          loading={busy === a.id}
          data-testid={`mail-attachment-${a.id}`}
          title={t('Download {{name}}', { name: a.filename, interpolation: { escapeValue: false } })}
          onClick={() => void download(a)}
        >
          <span style={{ maxWidth: 240, overflow: 'hidden', textOverflow: 'ellipsis', display: 'inline-block', verticalAlign: 'bottom' }}>{a.filename}</span>
          {fileSize(a.size) && (
            <Typography.Text type="secondary" style={{ marginLeft: 6, fontSize: 12 }}>
              {fileSize(a.size)}
            </Typography.Text>
          )}
        </Button>
      ))}
    </Space>
  );
}
