import React from 'react';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AccountsApi, AccountsApiContext, CallbackParams, MailAccountView, MailApiError } from '../../api';
import { OAuthCallbackPage } from '../OAuthCallbackPage';

const account: MailAccountView = {
  id: '7',
  userId: '2',
  provider: 'google',
  address: 'alex@gmail.test',
  displayName: 'Alex',
  aliases: [],
  status: 'syncing',
  statusCode: null,
  statusMessage: null,
  rateLimitedUntil: null,
  syncFrom: '2026-10-21T00:00:00.000Z',
  progressDone: 0,
  progressTotal: null,
  lastSyncAt: null,
  lastSuccessAt: null,
  createdAt: null,
};

function accountsApi(overrides: Partial<AccountsApi>): { api: AccountsApi; callbacks: CallbackParams[]; syncFroms: string[] } {
  const callbacks: CallbackParams[] = [];
  const syncFroms: string[] = [];
  const unused = async (): Promise<never> => {
    throw new Error('not used in this test');
  };
  const api: AccountsApi = {
    providers: unused,
    listAccounts: unused,
    authorize: unused,
    callback: async (p) => {
      callbacks.push(p);
      return { account, isNew: true, returnTo: '/admin/crm-page' };
    },
    setSyncFrom: async (_id, syncFrom) => {
      syncFroms.push(syncFrom);
      return { ...account, syncFrom };
    },
    pause: unused,
    resume: unused,
    syncNow: unused,
    remove: unused,
    ...overrides,
  };
  return { api, callbacks, syncFroms };
}

describe('OAuth callback page', () => {
  it('sends the code once, then asks how far back to sync and returns the user where they started', async () => {
    const { api, callbacks, syncFroms } = accountsApi({});
    const navigate = vi.fn();
    const { rerender } = render(
      <AccountsApiContext.Provider value={api}>
        <OAuthCallbackPage search="?code=abc&state=xyz" navigate={navigate} />
      </AccountsApiContext.Provider>,
    );
    rerender(
      <AccountsApiContext.Provider value={api}>
        <OAuthCallbackPage search="?code=abc&state=xyz" navigate={navigate} />
      </AccountsApiContext.Provider>,
    );
    expect(await screen.findByTestId('mail-oauth-address')).toHaveTextContent('alex@gmail.test');
    expect(callbacks).toEqual([{ state: 'xyz', code: 'abc', error: undefined, error_description: undefined }]);
    await userEvent.click(screen.getByTestId('mail-sync-start'));
    await waitFor(() => expect(navigate).toHaveBeenCalledWith('/admin/crm-page'));
    expect(syncFroms).toHaveLength(1);
    expect(new Date(syncFroms[0]).getTime()).toBeLessThan(Date.now());
  });

  it('explains a declined consent and offers the way back', async () => {
    const { api } = accountsApi({
      callback: async () => {
        throw new MailApiError('You declined access, so the Google account was not linked.', 'CONSENT_DENIED', undefined, 400);
      },
    });
    const navigate = vi.fn();
    render(
      <AccountsApiContext.Provider value={api}>
        <OAuthCallbackPage search="?error=access_denied&state=xyz" navigate={navigate} />
      </AccountsApiContext.Provider>,
    );
    expect(await screen.findByTestId('mail-oauth-error')).toHaveTextContent('You declined access');
    await userEvent.click(screen.getByText('Back to mail accounts'));
    expect(navigate).toHaveBeenCalledWith('/admin/mail');
  });

  it.each(['/\t/evil.test/x', '//evil.test/x', '/\\evil.test', '/%2F%2Fevil.test', '/%5Cevil.test', '/%09/evil.test', 'javascript:alert(1)', 'https://evil.test/'])(
    'stays in the app when the server hands back the return path %j',
    async (returnTo) => {
      const { api } = accountsApi({ callback: async () => ({ account, isNew: true, returnTo }) });
      const navigate = vi.fn();
      render(
        <AccountsApiContext.Provider value={api}>
          <OAuthCallbackPage search="?code=abc&state=xyz" navigate={navigate} />
        </AccountsApiContext.Provider>,
      );
      await screen.findByTestId('mail-oauth-address');
      await userEvent.click(screen.getByTestId('mail-sync-start'));
      await waitFor(() => expect(navigate).toHaveBeenCalledTimes(1));
      const target = navigate.mock.calls[0][0] as string;
      expect(target).toBe('/admin/mail');
      expect(new URL(target, window.location.href).origin).toBe(window.location.origin);
    },
  );
});
