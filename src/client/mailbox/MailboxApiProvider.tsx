import React, { useMemo } from 'react';
import { useAPIClient } from '@nocobase/client';
import { createMailboxApi, MailboxApiContext } from '../mailbox-api';

/** Binds the mailbox API to the host's authenticated HTTP client. */
export function MailboxApiProvider({ children }: { children: React.ReactNode }) {
  const client = useAPIClient();
  const api = useMemo(() => createMailboxApi(client), [client]);
  return <MailboxApiContext.Provider value={api}>{children}</MailboxApiContext.Provider>;
}
