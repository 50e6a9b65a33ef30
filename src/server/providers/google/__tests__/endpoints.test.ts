import { DEFAULT_ENDPOINTS, resolveEndpoints } from '../../endpoints';

describe('provider endpoints', () => {
  it('defaults to the production Google and Microsoft endpoints', () => {
    expect(resolveEndpoints({})).toEqual(DEFAULT_ENDPOINTS);
    expect(resolveEndpoints({}).googleTokenUrl).toBe('https://oauth2.googleapis.com/token');
  });

  it('points each endpoint at the URL given in its MAIL_* variable', () => {
    const endpoints = resolveEndpoints({
      MAIL_GOOGLE_AUTH_URL: 'http://127.0.0.1:9000/o/oauth2/v2/auth',
      MAIL_GOOGLE_TOKEN_URL: 'http://127.0.0.1:9000/token',
      MAIL_GOOGLE_REVOKE_URL: 'http://127.0.0.1:9000/revoke',
      MAIL_GOOGLE_API_URL: 'http://127.0.0.1:9000/',
      MAIL_MICROSOFT_AUTHORITY_URL: 'https://localhost:9443',
      MAIL_MICROSOFT_AUTHORIZE_URL: 'http://localhost:9080',
      MAIL_GRAPH_API_URL: ' https://localhost:9443/graph ',
    });
    expect(endpoints).toEqual({
      googleAuthUrl: 'http://127.0.0.1:9000/o/oauth2/v2/auth',
      googleTokenUrl: 'http://127.0.0.1:9000/token',
      googleRevokeUrl: 'http://127.0.0.1:9000/revoke',
      googleApiUrl: 'http://127.0.0.1:9000/',
      microsoftAuthorityUrl: 'https://localhost:9443',
      microsoftAuthorizeUrl: 'http://localhost:9080',
      graphApiUrl: 'https://localhost:9443/graph',
    });
  });

  it('ignores empty variables', () => {
    expect(resolveEndpoints({ MAIL_GRAPH_API_URL: '  ' }).graphApiUrl).toBe('https://graph.microsoft.com');
  });

  it('refuses a value that is not an http(s) URL, naming the variable', () => {
    expect(() => resolveEndpoints({ MAIL_GOOGLE_TOKEN_URL: 'oauth2.googleapis.com/token' })).toThrow(/MAIL_GOOGLE_TOKEN_URL/);
    expect(() => resolveEndpoints({ MAIL_GRAPH_API_URL: 'ftp://graph.example' })).toThrow(/MAIL_GRAPH_API_URL/);
  });
});
