import { redirectUriFor, validateGeneralSettings, validateProviderSettings } from '../validate';

describe('provider settings validation', () => {
  it('accepts a Google client and trims what was pasted', () => {
    expect(validateProviderSettings({ provider: 'google', clientId: '  123-abc.apps.googleusercontent.com ', clientSecret: ' GOCSPX-x ' }, false)).toEqual({
      provider: 'google',
      enabled: true,
      clientId: '123-abc.apps.googleusercontent.com',
      clientSecret: 'GOCSPX-x',
      tenant: 'common',
      cloud: 'global',
    });
  });

  it('lets an admin change the client id without retyping a stored secret', () => {
    expect(validateProviderSettings({ provider: 'google', clientId: 'new.apps.googleusercontent.com' }, true)).not.toHaveProperty('clientSecret');
  });

  it.each([
    [{ provider: 'yahoo' }, 'provider'],
    [{ provider: 'google', clientId: '' }, 'clientId'],
    [{ provider: 'google', clientId: 'has space' , clientSecret: 'x'}, 'clientId'],
    [{ provider: 'google', clientId: 'id' }, 'clientSecret'],
    [{ provider: 'microsoft', clientId: 'not-a-guid', clientSecret: 'x' }, 'clientId'],
    [{ provider: 'microsoft', clientId: '1b2c3d4e-0000-1111-2222-333344445555', clientSecret: 'x', tenant: 'bad tenant' }, 'tenant'],
    [{ provider: 'microsoft', clientId: '1b2c3d4e-0000-1111-2222-333344445555', clientSecret: 'x', cloud: 'mars' }, 'cloud'],
    // Not text at all, or text with invisible characters: refused, never a server error.
    [{ provider: 'microsoft', clientId: '1b2c3d4e-0000-1111-2222-333344445555', clientSecret: 'x', tenant: 42 }, 'tenant'],
    [{ provider: 'microsoft', clientId: '1b2c3d4e-0000-1111-2222-333344445555', clientSecret: 'x', tenant: ['common'] }, 'tenant'],
    [{ provider: 'microsoft', clientId: '1b2c3d4e-0000-1111-2222-333344445555', clientSecret: 'x', cloud: { $ne: 1 } }, 'cloud'],
    [{ provider: 'google', clientId: { id: 1 }, clientSecret: 'x' }, 'clientId'],
    [{ provider: 'google', clientId: 'abc\u0000.apps.googleusercontent.com', clientSecret: 'x' }, 'clientId'],
    [{ provider: 'google', clientId: 'abc.apps.googleusercontent.com', clientSecret: 12345 }, 'clientSecret'],
    [{ provider: 'google', clientId: 'abc.apps.googleusercontent.com', clientSecret: 'x'.repeat(5000) }, 'clientSecret'],
    [{ provider: ['google'] }, 'provider'],
  ])('rejects %j on field %s with an explanation', (input, field) => {
    expect(() => validateProviderSettings(input, false)).toThrow(expect.objectContaining({ field }));
  });

  it('accepts Microsoft tenant ids, domains and the well-known aliases', () => {
    for (const tenant of ['common', 'organizations', 'consumers', '72f988bf-86f1-41af-91ab-2d7cd011db47', 'contoso.onmicrosoft.com']) {
      expect(validateProviderSettings({ provider: 'microsoft', clientId: '1b2c3d4e-0000-1111-2222-333344445555', clientSecret: 's', tenant }, false).tenant).toBe(
        tenant.toLowerCase(),
      );
    }
  });

  it('allows a disabled provider to be saved without credentials', () => {
    expect(validateProviderSettings({ provider: 'microsoft', enabled: false }, false)).toMatchObject({ enabled: false, clientId: '' });
  });
});

describe('general settings validation', () => {
  it('fills defaults and parses numbers typed as text', () => {
    expect(validateGeneralSettings({ syncIntervalMinutes: '10' })).toEqual({
      syncIntervalMinutes: 10,
      defaultSyncWindowDays: 30,
      attachmentSizeLimitMb: 25,
      supervisorRoles: [],
    });
  });

  it.each([
    [{ syncIntervalMinutes: 0 }, 'syncIntervalMinutes'],
    [{ syncIntervalMinutes: 2.5 }, 'syncIntervalMinutes'],
    [{ defaultSyncWindowDays: 99999 }, 'defaultSyncWindowDays'],
    [{ attachmentSizeLimitMb: 'lots' }, 'attachmentSizeLimitMb'],
    [{ supervisorRoles: 'admin' }, 'supervisorRoles'],
    // Out of range or not plainly a whole number: refused with the range, never clamped, rounded or defaulted.
    [{ syncIntervalMinutes: -5 }, 'syncIntervalMinutes'],
    [{ syncIntervalMinutes: '0' }, 'syncIntervalMinutes'],
    [{ syncIntervalMinutes: null }, 'syncIntervalMinutes'],
    [{ syncIntervalMinutes: '' }, 'syncIntervalMinutes'],
    [{ defaultSyncWindowDays: '1e2' }, 'defaultSyncWindowDays'],
    [{ defaultSyncWindowDays: '0x10' }, 'defaultSyncWindowDays'],
    [{ attachmentSizeLimitMb: true }, 'attachmentSizeLimitMb'],
    [{ attachmentSizeLimitMb: [5] }, 'attachmentSizeLimitMb'],
    [{ attachmentSizeLimitMb: -1 }, 'attachmentSizeLimitMb'],
  ])('rejects %j on field %s', (input, field) => {
    expect(() => validateGeneralSettings(input)).toThrow(expect.objectContaining({ field }));
  });

  it('says the allowed range when a number is out of it', () => {
    expect(() => validateGeneralSettings({ syncIntervalMinutes: 0 })).toThrow('Sync interval (minutes) must be a whole number from 1 to 1440.');
    expect(() => validateGeneralSettings({ attachmentSizeLimitMb: -5 })).toThrow('Attachment size limit (MB) must be a whole number from 1 to 150.');
  });
});

describe('redirect URI', () => {
  it('is the app URL plus the documented callback path, whatever trailing slashes', () => {
    expect(redirectUriFor('https://crm.example.com/')).toBe('https://crm.example.com/admin/settings/mail/oauth2');
    expect(redirectUriFor('https://example.com/nocobase')).toBe('https://example.com/nocobase/admin/settings/mail/oauth2');
  });
});
