import React from 'react';
import { render } from '@testing-library/react';
import { AccountsApiContext, createAccountsApi } from '../../../api';
import { createMailboxApi, MailboxApiContext } from '../../../mailbox-api';
import { MailboxView } from '../../MailboxView';
import type { MailHost } from './mail-host';

/** The whole mailbox view over the fake host, through the real API clients. */
export function renderMailbox(host: MailHost) {
  return render(
    <AccountsApiContext.Provider value={createAccountsApi(host.client)}>
      <MailboxApiContext.Provider value={createMailboxApi(host.client)}>
        <MailboxView onManageAccounts={() => undefined} />
      </MailboxApiContext.Provider>
    </AccountsApiContext.Provider>,
  );
}
