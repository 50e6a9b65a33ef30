import React, { useState } from 'react';
import { Card, Tabs } from 'antd';
import { AccountsPanel } from '../accounts/AccountsPanel';
import { useMailTranslation } from '../locale';
import { MailboxApiProvider } from '../mailbox/MailboxApiProvider';
import { MailboxView } from '../mailbox/MailboxView';

export type CenterTab = 'mailbox' | 'accounts';

/** The email center's content: the mailbox, and the accounts it reads from. Host-independent for tests. */
export function MailCenter({ initialTab = 'mailbox' }: { initialTab?: CenterTab }) {
  const { t } = useMailTranslation();
  const [tab, setTab] = useState<CenterTab>(initialTab);
  return (
    <Tabs
      activeKey={tab}
      onChange={(key) => setTab(key as CenterTab)}
      destroyInactiveTabPane
      items={[
        { key: 'mailbox', label: <span data-testid="mail-tab-mailbox">{t('Mailbox')}</span>, children: <MailboxView onManageAccounts={() => setTab('accounts')} /> },
        { key: 'accounts', label: <span data-testid="mail-tab-accounts">{t('Accounts')}</span>, children: <AccountsPanel /> },
      ]}
    />
  );
}

/** The email center every signed-in user reaches from the top bar. */
export function EmailCenterPage() {
  return (
    <Card variant="borderless" style={{ margin: 24 }} styles={{ body: { paddingTop: 8 } }} data-testid="mail-center">
      <MailboxApiProvider>
        <MailCenter />
      </MailboxApiProvider>
    </Card>
  );
}
