import React from 'react';
import { Button, List, Typography, Upload } from 'antd';
import { DeleteOutlined, PaperClipOutlined } from '@ant-design/icons';
import { useMailTranslation } from '../locale';
import { fileSize } from '../mailbox/format';

export interface ListedFile {
  key: string;
  filename: string;
  size: number;
  /** A file of the forwarded message rather than one picked from this computer. */
  forwarded: boolean;
}

interface Props {
  files: ListedFile[];
  reading: number;
  onPick(file: File): void;
  onRemove(file: ListedFile): void;
  disabled?: boolean;
}

/** Attach files from this computer; list them (and a forward's original files) with sizes, each removable. */
export function ComposeAttachments({ files, reading, onPick, onRemove, disabled }: Props) {
  const { t } = useMailTranslation();
  const total = files.reduce((sum, f) => sum + f.size, 0);
  return (
    <div data-testid="mail-compose-attachments">
      <Upload
        multiple
        showUploadList={false}
        disabled={disabled}
        // Read in the browser and sent with the message; nothing is uploaded on its own.
        beforeUpload={(file) => {
          onPick(file);
          return Upload.LIST_IGNORE;
        }}
      >
        <Button size="small" icon={<PaperClipOutlined />} loading={reading > 0} disabled={disabled} data-testid="mail-compose-attach">
          {t('Attach files')}
        </Button>
      </Upload>
      {files.length > 0 && (
        <List
          size="small"
          style={{ marginTop: 8 }}
          dataSource={files}
          footer={
            files.length > 1 ? (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('{{n}} files, {{size}} in all', { n: files.length, size: fileSize(total) })}
              </Typography.Text>
            ) : undefined
          }
          renderItem={(f) => (
            <List.Item
              data-testid="mail-compose-file"
              data-filename={f.filename}
              actions={[
                <Button
                  key="remove"
                  type="text"
                  size="small"
                  icon={<DeleteOutlined />}
                  disabled={disabled}
                  aria-label={t('Remove {{name}}', { name: f.filename, interpolation: { escapeValue: false } })}
                  onClick={() => onRemove(f)}
                />,
              ]}
            >
              <span>
                <PaperClipOutlined style={{ marginRight: 6 }} />
                {f.filename}
                <Typography.Text type="secondary" style={{ marginLeft: 8, fontSize: 12 }}>
                  {fileSize(f.size)}
                  {f.forwarded ? ` · ${t('from the original message')}` : ''}
                </Typography.Text>
              </span>
            </List.Item>
          )}
        />
      )}
    </div>
  );
}
