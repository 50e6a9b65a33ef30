import React from 'react';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MailApi, MailApiContext, MailApiError, ProviderSettingsInput, SettingsSnapshot } from '../../api';
import { EmailSettingsPage } from '../EmailSettingsPage';

/** An in-memory MailApi with the server's validation rules that matter to the page. */
function memoryApi(initial: SettingsSnapshot) {
  const state: SettingsSnapshot = structuredClone(initial);
  const saved: ProviderSettingsInput[] = [];
  const api: MailApi = {
    async getSettings() {
      return structuredClone(state);
    },
    async saveProvider(input) {
      saved.push(input);
      if (input.provider === 'microsoft' && !/^[0-9a-f-]{36}$/i.test(input.clientId)) {
        throw new MailApiError('The Microsoft Application (client) ID is a GUID.', 'INVALID_SETTINGS', 'clientId', 400);
      }
      const p = state.providers.find((x) => x.provider === input.provider)!;
      Object.assign(p, { enabled: input.enabled, clientId: input.clientId, clientSecretSet: p.clientSecretSet || Boolean(input.clientSecret) });
      p.configured = p.enabled && Boolean(p.clientId) && p.clientSecretSet;
      return structuredClone(p);
    },
    async saveGeneral(input) {
      state.general = input;
      return input;
    },
  };
  return { api, saved };
}

const snapshot: SettingsSnapshot = {
  redirectUri: 'http://localhost:13000/admin/settings/mail/oauth2',
  general: { syncIntervalMinutes: 5, defaultSyncWindowDays: 30, attachmentSizeLimitMb: 25 },
  providers: [
    { provider: 'google', enabled: false, clientId: '', clientSecretSet: false, tenant: 'common', cloud: 'global', configured: false },
    { provider: 'microsoft', enabled: false, clientId: '', clientSecretSet: false, tenant: 'common', cloud: 'global', configured: false },
  ],
};

function renderPage(api: MailApi) {
  return render(
    <MailApiContext.Provider value={api}>
      <EmailSettingsPage />
    </MailApiContext.Provider>,
  );
}

describe('Email settings page', () => {
  it('shows the redirect URI an admin must register', async () => {
    renderPage(memoryApi(snapshot).api);
    expect(await screen.findByTestId('mail-redirect-uri')).toHaveTextContent('http://localhost:13000/admin/settings/mail/oauth2');
  });

  it('saves Google credentials and then shows the secret only as set', async () => {
    const { api, saved } = memoryApi(snapshot);
    renderPage(api);
    const user = userEvent.setup();
    await user.type(await screen.findByTestId('mail-google-client-id'), 'abc.apps.googleusercontent.com');
    await user.type(screen.getByTestId('mail-google-client-secret'), 'shh');
    await user.click(screen.getByTestId('mail-google-save'));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]).toMatchObject({ provider: 'google', clientId: 'abc.apps.googleusercontent.com', clientSecret: 'shh' });
    await waitFor(() => expect(screen.getByTestId('mail-google-client-secret')).toHaveValue(''));
    expect(screen.getByText('A secret is set. Leave blank to keep it; type a new one to replace it.')).toBeInTheDocument();
  });

  it('shows the server explanation once, next to the field that is wrong', async () => {
    const { api } = memoryApi(snapshot);
    renderPage(api);
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('mail-tab-microsoft'));
    await user.type(await screen.findByTestId('mail-microsoft-client-id'), 'not-a-guid');
    await user.type(screen.getByTestId('mail-microsoft-client-secret'), 'secret');
    await user.click(screen.getByTestId('mail-microsoft-save'));
    const form = screen.getByTestId('mail-settings-form-microsoft');
    await waitFor(() => expect(within(form).getAllByText('The Microsoft Application (client) ID is a GUID.')).toHaveLength(1));
    expect(screen.queryByTestId('mail-microsoft-error')).toBeNull();
  });

  it('shows an error that concerns no field of the form once, above the button', async () => {
    const { api } = memoryApi(snapshot);
    api.saveProvider = async () => {
      throw new MailApiError('Unknown provider "yahoo". Use "google" or "microsoft".', 'INVALID_SETTINGS', 'provider', 400);
    };
    renderPage(api);
    const user = userEvent.setup();
    await user.type(await screen.findByTestId('mail-google-client-id'), 'abc.apps.googleusercontent.com');
    await user.click(screen.getByTestId('mail-google-save'));
    expect(await screen.findByTestId('mail-google-error')).toHaveTextContent('Unknown provider');
    expect(screen.getAllByText('Unknown provider "yahoo". Use "google" or "microsoft".')).toHaveLength(1);
  });

  it.each([
    ['mail-general-interval', '0', 'Enter a whole number from 1 to 1440'],
    ['mail-general-window', '-5', 'Enter a whole number from 1 to 3650'],
    ['mail-general-attachment-limit', '500', 'Enter a whole number from 1 to 150'],
  ])('refuses %s = %s with one message instead of changing the number', async (testId, typed, explanation) => {
    const { api } = memoryApi(snapshot);
    const savedGeneral: unknown[] = [];
    api.saveGeneral = async (input) => {
      savedGeneral.push(input);
      return input;
    };
    renderPage(api);
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('mail-tab-general'));
    const input = await screen.findByTestId(testId);
    await user.clear(input);
    await user.type(input, typed);
    await user.click(screen.getByTestId('mail-general-save'));
    const form = screen.getByTestId('mail-settings-form-general');
    await waitFor(() => expect(within(form).getAllByText(explanation)).toHaveLength(1));
    // What the admin typed stays as typed (not clamped to the nearest allowed value), and nothing is saved.
    await user.tab();
    expect(input).toHaveValue(typed);
    expect(savedGeneral).toEqual([]);
  });

  it('tells the admin when settings cannot be loaded', async () => {
    const api: MailApi = {
      getSettings: async () => {
        throw new MailApiError('The server could not be reached. Check your connection and try again.');
      },
      saveProvider: async () => {
        throw new Error('unused');
      },
      saveGeneral: async () => {
        throw new Error('unused');
      },
    };
    renderPage(api);
    expect(await screen.findByTestId('mail-settings-load-error')).toHaveTextContent('could not be reached');
  });
});
