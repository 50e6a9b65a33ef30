import React, { useMemo, useRef, useState } from 'react';
import { Button, Checkbox, Space, theme } from 'antd';
import { EllipsisOutlined } from '@ant-design/icons';
import { useMailTranslation } from '../locale';
import { frameDocument } from '../mailbox/frame-document';
import { SandboxedMailFrame } from '../mailbox/MessageBodyFrame';
import { useFrameHeight } from '../mailbox/useFrameHeight';

interface Props {
  /** Sanitized on the server; shown only in a sandboxed frame, like a received message. */
  html: string;
  include: boolean;
  onIncludeChange(include: boolean): void;
}

/** The original under a reply or forward: folded away until asked for, and left out on request. */
export function QuotedOriginal({ html, include, onIncludeChange }: Props) {
  const { t } = useMailTranslation();
  const { token } = theme.useToken();
  const [open, setOpen] = useState(false);
  const container = useRef<HTMLDivElement>(null);
  const srcDoc = useMemo(() => frameDocument(html, { origin: window.location.origin, allowRemoteContent: false }), [html]);
  const height = useFrameHeight(open ? html : null, container);

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
        <div ref={container} style={{ marginTop: 8, borderLeft: `2px solid ${token.colorBorder}`, paddingLeft: 8, opacity: include ? 1 : 0.45 }}>
          <SandboxedMailFrame testId="mail-compose-quote-frame" title={t('Quoted original message')} srcDoc={srcDoc} height={height} />
        </div>
      )}
    </div>
  );
}
