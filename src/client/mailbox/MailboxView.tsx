import React, { useEffect, useMemo, useState } from 'react';
import { Alert, Button, Empty, Input, Space, Spin, Typography, theme } from 'antd';
import { EditOutlined } from '@ant-design/icons';
import { MailApiError, MailAccountView, useAccountsApi } from '../api';
import { LinkAccountButton } from '../accounts/LinkAccountButton';
import { ComposeDrawer } from '../compose/ComposeDrawer';
import { useMailTranslation } from '../locale';
import { ComposeStart, FolderChoice, FolderRole, MailFolderView, useMailboxApi } from '../mailbox-api';
import { ALL_ACCOUNTS, FolderPane } from './FolderPane';
import { DEFAULT_FOLDER_KEY, folderEntries } from './folders';
import { SHORTCUT_SCOPE_ATTRIBUTE } from './ThreadActions';
import { roleOfView } from './thread-actions';
import { ThreadList } from './ThreadList';
import { ThreadView } from './ThreadView';
import { useThreadActions } from './useThreadActions';
import { useThreads } from './useThreads';

/** While mail is arriving, look again every few seconds; otherwise pick up what the periodic sync brought. */
export const POLL_WHILE_SYNCING_MS = 4000;
export const POLL_IDLE_MS = 60_000;
const SEARCH_DELAY_MS = 400;
/** React escapes text itself; i18next escaping on top would show `&amp;` to the reader. */
const RAW = { interpolation: { escapeValue: false } };

const isArriving = (a: MailAccountView) => a.status === 'syncing' || a.status === 'connecting';
const NEEDS_ATTENTION = new Set<MailAccountView['status']>(['reauth_required', 'error', 'paused']);

export function choiceOfKey(key: string): FolderChoice {
  if (key === 'all') return null;
  if (key.startsWith('folder:')) return { folderId: key.slice('folder:'.length) };
  return { role: key.slice('role:'.length) as FolderRole };
}

function ownAddressesOf(accounts: MailAccountView[]): Set<string> {
  return new Set(accounts.flatMap((a) => [a.address, ...(a.aliases ?? []).map((x) => x.address)]).map((s) => s.toLowerCase()));
}

function NoAccounts({ onManageAccounts }: { onManageAccounts(): void }) {
  const { t } = useMailTranslation();
  return (
    <Empty data-testid="mail-no-accounts" style={{ marginTop: 64 }} description={t('Link your Gmail or Outlook mailbox to read your mail here.')}>
      <Space>
        <LinkAccountButton />
        <Button onClick={onManageAccounts}>{t('Manage accounts')}</Button>
      </Space>
    </Empty>
  );
}

/** The email center's reading view: folders, conversations, and the open conversation. */
export function MailboxView({
  onManageAccounts,
  pollMs = { arriving: POLL_WHILE_SYNCING_MS, idle: POLL_IDLE_MS },
}: {
  onManageAccounts(): void;
  pollMs?: { arriving: number; idle: number };
}) {
  const { t } = useMailTranslation();
  const { token } = theme.useToken();
  const accountsApi = useAccountsApi();
  const api = useMailboxApi();
  const [accounts, setAccounts] = useState<MailAccountView[] | null>(null);
  const [accountsError, setAccountsError] = useState<string | null>(null);
  const [accountChoice, setAccountChoice] = useState(ALL_ACCOUNTS);
  const [folders, setFolders] = useState<MailFolderView[]>([]);
  const [folderKey, setFolderKey] = useState(DEFAULT_FOLDER_KEY);
  const [searchInput, setSearchInput] = useState('');
  const [search, setSearch] = useState('');
  const [selectedThread, setSelectedThread] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  /** Bumped after acting on mail, so folder counts catch up. */
  const [foldersTick, setFoldersTick] = useState(0);
  /** The message being written; a new key per compose session. */
  const [composing, setComposing] = useState<{ start: ComposeStart; key: number } | null>(null);

  const shownAccounts = useMemo(
    () => (accounts ?? []).filter((a) => accountChoice === ALL_ACCOUNTS || a.id === accountChoice),
    [accounts, accountChoice],
  );
  const accountIds = useMemo(() => shownAccounts.map((a) => a.id), [shownAccounts]);
  const accountIdsKey = accountIds.join(',');
  const arriving = shownAccounts.some(isArriving);

  useEffect(() => {
    let live = true;
    accountsApi.listAccounts().then(
      (list) => {
        if (!live) return;
        setAccounts(list);
        setAccountsError(null);
      },
      (e: unknown) => live && setAccountsError(e instanceof MailApiError ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [accountsApi, tick]);

  // An account that was removed elsewhere falls back to "all accounts".
  useEffect(() => {
    if (accounts && accountChoice !== ALL_ACCOUNTS && !accounts.some((a) => a.id === accountChoice)) setAccountChoice(ALL_ACCOUNTS);
  }, [accounts, accountChoice]);

  useEffect(() => {
    if (accounts === null && !accountsError) return undefined;
    const timer = setTimeout(() => setTick((n) => n + 1), arriving ? pollMs.arriving : pollMs.idle);
    return () => clearTimeout(timer);
  }, [accounts, accountsError, arriving, pollMs.arriving, pollMs.idle]);

  useEffect(() => {
    let live = true;
    if (!accountIdsKey) {
      setFolders([]);
      return undefined;
    }
    api.folders(accountIdsKey.split(',')).then(
      (list) => live && setFolders(list),
      () => undefined, // the folder list is a convenience; the conversations still load
    );
    return () => {
      live = false;
    };
  }, [api, accountIdsKey, tick, foldersTick]);

  useEffect(() => {
    const timer = setTimeout(() => setSearch(searchInput.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [searchInput]);

  const { roles, labels } = useMemo(() => folderEntries(folders), [folders]);
  const view = useMemo(() => choiceOfKey(folderKey), [folderKey]);
  const filter = useMemo(() => (accountIdsKey ? { accountIds: accountIdsKey.split(','), folder: view, search } : null), [accountIdsKey, view, search]);
  const list = useThreads(api, filter, tick);
  const act = useThreadActions({
    api,
    list,
    folders,
    view,
    selectedId: selectedThread,
    select: setSelectedThread,
    onChanged: () => setFoldersTick((n) => n + 1),
  });
  const ownAddresses = useMemo(() => ownAddressesOf(accounts ?? []), [accounts]);
  const troubled = shownAccounts.filter((a) => NEEDS_ATTENTION.has(a.status));

  if (accounts === null) {
    return accountsError ? <Alert type="error" showIcon message={accountsError} /> : <Spin style={{ display: 'block', margin: '64px auto' }} />;
  }
  if (!accounts.length) return <NoAccounts onManageAccounts={onManageAccounts} />;

  const empty = search ? (
    <Empty style={{ marginTop: 48 }} description={t('No conversations match "{{search}}".', { search, ...RAW })} />
  ) : arriving ? (
    <div data-testid="mail-syncing-empty" style={{ textAlign: 'center', padding: '48px 16px' }}>
      <Spin />
      <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
        {t('Your mail is arriving. Conversations appear here as they are synced.')}
      </Typography.Paragraph>
    </div>
  ) : (
    <Empty data-testid="mail-folder-empty" style={{ marginTop: 48 }} description={t('No conversations in this folder.')} />
  );

  const compose = (start: ComposeStart) => setComposing((c) => ({ start, key: (c?.key ?? 0) + 1 }));
  // From the account being looked at; with all accounts shown, the first.
  const composeNew = () => compose({ mode: 'new', accountId: accounts.some((a) => a.id === accountChoice) ? accountChoice : accounts[0].id });

  const pane: React.CSSProperties = { overflow: 'auto', minHeight: 0, borderRight: `1px solid ${token.colorBorderSecondary}` };
  return (
    <div
      data-testid="mail-mailbox"
      {...{ [SHORTCUT_SCOPE_ATTRIBUTE]: true }}
      style={{ display: 'grid', gridTemplateColumns: '220px minmax(280px, 380px) minmax(0, 1fr)', height: 'calc(100vh - 190px)', minHeight: 480 }}
    >
      <div style={{ ...pane, padding: '0 8px 8px 0' }}>
        <Button type="primary" block icon={<EditOutlined />} style={{ marginBottom: 12 }} onClick={composeNew} data-testid="mail-compose-new">
          {t('Compose')}
        </Button>
        <FolderPane
          accounts={accounts}
          accountChoice={accountChoice}
          onAccountChange={(choice) => {
            setAccountChoice(choice);
            setSelectedThread(null);
          }}
          roles={roles}
          labels={labels}
          selectedKey={folderKey}
          onSelect={(entry) => {
            setFolderKey(entry.key);
            setSelectedThread(null);
          }}
        />
      </div>
      <div style={{ ...pane, display: 'flex', flexDirection: 'column' }}>
        <div style={{ padding: '0 12px 8px' }}>
          <Input.Search
            data-testid="mail-search"
            allowClear
            placeholder={t('Search subject or people')}
            value={searchInput}
            onChange={(e) => setSearchInput(e.target.value)}
            onSearch={(value) => {
              setSearchInput(value);
              setSearch(value.trim());
            }}
          />
          {arriving && list.threads.length > 0 && (
            <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block', marginTop: 6 }} data-testid="mail-syncing-note">
              <Spin size="small" style={{ marginRight: 6 }} />
              {t('Syncing: new mail appears here as it arrives.')}
            </Typography.Text>
          )}
        </div>
        {troubled.map((a) => (
          <Alert
            key={a.id}
            data-testid="mail-account-problem"
            type="warning"
            showIcon
            style={{ margin: '0 12px 8px' }}
            message={a.status === 'paused' ? t('{{address}} is paused: new mail is not synced.', { address: a.address, ...RAW }) : a.statusMessage || t('{{address}} needs attention.', { address: a.address, ...RAW })}
            action={
              <Button size="small" onClick={onManageAccounts}>
                {t('Open accounts')}
              </Button>
            }
          />
        ))}
        {list.error && <Alert type="error" showIcon style={{ margin: '0 12px 8px' }} message={list.error} />}
        <div style={{ flex: 1, overflow: 'auto' }}>
          <ThreadList
            threads={list.threads}
            selectedId={selectedThread}
            onSelect={(thread) => setSelectedThread(thread.id)}
            ownAddresses={ownAddresses}
            loading={list.loading}
            hasMore={list.hasMore}
            onLoadMore={list.loadMore}
            onToggleStar={(thread) => void act(thread, { action: thread.starred ? 'unstar' : 'star' })}
            empty={empty}
          />
        </div>
      </div>
      <div style={{ overflow: 'auto', minHeight: 0, padding: '0 16px' }}>
        {selectedThread ? (
          <ThreadView
            threadId={selectedThread}
            refreshKey={tick}
            thread={list.threads.find((x) => x.id === selectedThread)}
            folders={folders}
            viewingTrash={roleOfView(view, folders) === 'trash'}
            act={act}
            ownAddresses={ownAddresses}
            onAnswer={(mode, message) => compose({ mode, messageId: message.id })}
          />
        ) : (
          <Empty style={{ marginTop: 96 }} description={t('Select a conversation to read it.')} />
        )}
      </div>
      {composing && (
        <ComposeDrawer
          key={composing.key}
          start={composing.start}
          accounts={accounts}
          onClose={() => setComposing(null)}
          onSent={() => {
            setComposing(null);
            // The sent copy is stored at once: show it in the conversation, the list and the counts.
            setTick((n) => n + 1);
            setFoldersTick((n) => n + 1);
          }}
        />
      )}
    </div>
  );
}
