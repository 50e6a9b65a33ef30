/** Fixed identifiers of the Microsoft emulator, shared by its modules and by tests. */

/** Built-in confidential client, registered on every start and after every reset. */
export const MICROSOFT_DEMO_CLIENT_ID = '5c3f6f2e-8b1a-4d7e-9a0c-2f4b6d8e1a3c';
export const MICROSOFT_DEMO_CLIENT_SECRET = 'demo-microsoft-client-secret';

/** The directory (tenant) every emulated user belongs to. */
export const MICROSOFT_TENANT_ID = '7a1e2c3d-4b5f-4e6a-8c9d-0e1f2a3b4c5d';

/** Audience of Graph access tokens, as in production. */
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';

/** Tenants accepted in identity paths besides the tenant id itself. */
export const TENANT_ALIASES = ['common', 'organizations', 'consumers'];

export const DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS = 3600;
export const DEFAULT_REFRESH_TOKEN_LIFETIME_SECONDS = 90 * 24 * 3600;
export const AUTH_CODE_LIFETIME_SECONDS = 600;

/** Graph limits the emulator enforces. */
export const BATCH_MAX_REQUESTS = 20;
export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 1000;
