import React from 'react';
import { Select } from 'antd';
import type { MailAccountView } from '../api';
import type { ComposeDraft, WireAddress } from '../mailbox-api';
import { formatRecipient } from './addresses';

interface Props {
  /** The address sending (Form.Item passes it). */
  value?: string;
  onChange?(address: string): void;
  id?: string;
  draft: ComposeDraft;
  /** A new message may be sent from any linked account; an answer goes from the account that received it. */
  accounts: MailAccountView[];
  onAccountChange?(accountId: string, address: string): void;
}

const SEP = ' ';
const key = (accountId: string, address: string) => `${accountId}${SEP}${address}`;

function addressesOf(account: MailAccountView): WireAddress[] {
  return [{ name: account.displayName, address: account.address }, ...(account.aliases ?? [])];
}

/** Who the message is from: the draft's choices, and for a new message the other accounts' addresses too. */
export function FromSelect({ value, onChange, id, draft, accounts, onAccountChange }: Props) {
  const option = (accountId: string, a: WireAddress) => ({ value: key(accountId, a.address), label: formatRecipient(a) });
  const others = draft.mode === 'new' && onAccountChange ? accounts.filter((a) => a.id !== draft.accountId) : [];
  const own = draft.fromChoices.map((a) => option(draft.accountId, a));
  type Option = { value: string; label: string };
  const options: Array<Option | { label: string; options: Option[] }> = others.length
    ? [
        { label: accounts.find((a) => a.id === draft.accountId)?.address ?? draft.from.address, options: own },
        ...others.map((a) => ({ label: a.address, options: addressesOf(a).map((x) => option(a.id, x)) })),
      ]
    : own;

  return (
    <Select
      id={id}
      style={{ width: '100%' }}
      value={value ? key(draft.accountId, value) : undefined}
      options={options}
      onChange={(chosen: string) => {
        const at = chosen.indexOf(SEP);
        const accountId = chosen.slice(0, at);
        const address = chosen.slice(at + 1);
        if (accountId !== draft.accountId) onAccountChange?.(accountId, address);
        else onChange?.(address);
      }}
    />
  );
}
