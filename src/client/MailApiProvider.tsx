import React, { useMemo } from 'react';
import { useAPIClient } from '@nocobase/client';
import { AccountsApiContext, createAccountsApi, createMailApi, MailApiContext } from './api';

/** Binds the plugin's typed APIs to the host's authenticated HTTP client. */
export function MailApiProvider({ children }: { children: React.ReactNode }) {
  const client = useAPIClient();
  const api = useMemo(() => createMailApi(client), [client]);
  const accounts = useMemo(() => createAccountsApi(client), [client]);
  return (
    <MailApiContext.Provider value={api}>
      <AccountsApiContext.Provider value={accounts}>{children}</AccountsApiContext.Provider>
    </MailApiContext.Provider>
  );
}

export function withMailApi<P extends object>(Component: React.ComponentType<P>): React.FC<P> {
  const Wrapped: React.FC<P> = (props) => (
    <MailApiProvider>
      <Component {...props} />
    </MailApiProvider>
  );
  Wrapped.displayName = `withMailApi(${Component.displayName || Component.name || 'Component'})`;
  return Wrapped;
}
