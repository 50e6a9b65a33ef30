/**
 * Vitest global setup: runs once in the main process before any worker forks.
 *
 * Node reads NODE_EXTRA_CA_CERTS only at process start, so setting it here (with
 * pool=forks) makes every forked worker trust the emulators' dev CA: msal-node's
 * https client and fetch (used by the Graph client) then accept the emulators'
 * certificate with no rejectUnauthorized tweaks.
 */
import { ensureDevCertificate } from './tls';

export default function setup(): void {
  const { caPath } = ensureDevCertificate();
  process.env.NODE_EXTRA_CA_CERTS = caPath;
}
