/**
 * Client registration only: the settings page, the OAuth callback route, the
 * email center and its top-bar entry.
 */
import React from 'react';
import { PinnedPluginListProvider, Plugin, SchemaComponentOptions } from '@nocobase/client';
import { EmailCenterPage } from './center/EmailCenterPage';
import { MailCenterLink } from './center/MailCenterLink';
import { MAIL_CENTER_PATH, OAUTH_CALLBACK_PATH, PACKAGE_NAME, SETTINGS_KEY } from './constants';
import { withMailApi } from './MailApiProvider';
import { OAuthCallbackPage } from './oauth/OAuthCallbackPage';
import { EmailSettingsPage } from './settings/EmailSettingsPage';

function MailTopBarProvider({ children }: { children?: React.ReactNode }) {
  return (
    <PinnedPluginListProvider items={{ mail: { order: 250, component: 'MailCenterLink', pin: true, snippet: '*' } }}>
      <SchemaComponentOptions components={{ MailCenterLink }}>{children}</SchemaComponentOptions>
    </PinnedPluginListProvider>
  );
}

export class PluginEmailManagerClient extends Plugin {
  override async load() {
    this.app.pluginSettingsManager.add(SETTINGS_KEY, {
      title: this.app.i18n.t('Email settings', { ns: PACKAGE_NAME }),
      icon: 'MailOutlined',
      Component: withMailApi(EmailSettingsPage),
      aclSnippet: 'pm.mail',
    });
    // A route of its own, inside the admin layout but outside the settings
    // center, so users without the pm.mail snippet can complete OAuth here.
    this.app.router.add('admin.mail-oauth2', { path: OAUTH_CALLBACK_PATH, Component: withMailApi(() => <OAuthCallbackPage />) });
    this.app.router.add('admin.mail-center', { path: MAIL_CENTER_PATH, Component: withMailApi(EmailCenterPage) });
    this.app.use(MailTopBarProvider);
  }
}

export default PluginEmailManagerClient;
