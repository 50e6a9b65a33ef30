import React from 'react';
import { Button, Tooltip } from 'antd';
import { MailOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router-dom';
import { MAIL_CENTER_PATH } from '../constants';
import { useMailTranslation } from '../locale';

/** Top-bar icon that opens the email center. */
export function MailCenterLink() {
  const { t } = useMailTranslation();
  const navigate = useNavigate();
  return (
    <Tooltip title={t('Email')}>
      <Button
        type="text"
        icon={<MailOutlined style={{ color: 'inherit' }} />}
        data-testid="mail-center-link"
        aria-label={t('Email')}
        onClick={() => navigate(MAIL_CENTER_PATH)}
      />
    </Tooltip>
  );
}
