/**
 * Stand-in for the host-provided `@nocobase/client` module in jsdom tests. Only
 * the entry points our components touch outside MailApiContext exist; calling
 * one fails loudly so a test can never pass by silently skipping the host.
 */
export class Plugin {}
export function useAPIClient(): never {
  throw new Error('useAPIClient is host-only: render components inside MailApiContext in tests.');
}
export function useApp(): never {
  throw new Error('useApp is host-only in tests.');
}
