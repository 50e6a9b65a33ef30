import { ProviderError } from '../../providers/errors';
import { callbackError, linkError } from '../link-errors';

const REDIRECT = 'https://crm.example.com/admin/settings/mail/oauth2';

describe('what linking errors tell people', () => {
  it('names the redirect URI to register when a provider reports a mismatch, on the redirect or at the token endpoint', () => {
    const fromCallback = callbackError('microsoft', 'invalid_request', 'AADSTS50011: The redirect URI specified in the request does not match', REDIRECT);
    expect(fromCallback).toMatchObject({ code: 'REDIRECT_URI_MISMATCH' });
    expect(fromCallback.message).toContain(REDIRECT);
    expect(fromCallback.message).toMatch(/App registrations/);
    const fromExchange = linkError(new ProviderError('REDIRECT_URI_MISMATCH', 'redirect_uri_mismatch'), 'google', REDIRECT) as Error;
    expect(fromExchange).toMatchObject({ code: 'REDIRECT_URI_MISMATCH' });
    expect(fromExchange.message).toContain(REDIRECT);
    expect(fromExchange.message).toMatch(/Google Cloud Console/);
  });

  it('tells the user who declined consent how to try again', () => {
    expect(callbackError('google', 'access_denied', undefined, REDIRECT)).toMatchObject({ code: 'CONSENT_DENIED', status: 400 });
  });

  it('keeps provider wording out of "unreachable" and asks for a retry', () => {
    const e = linkError(new ProviderError('UNREACHABLE', 'connect ECONNREFUSED 10.0.0.1:443'), 'microsoft', REDIRECT) as Error;
    expect(e.message).not.toContain('ECONNREFUSED');
    expect(e.message).toMatch(/Try again/);
  });
});
