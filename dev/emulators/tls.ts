/**
 * Dev TLS material for the local emulators.
 *
 * msal-node refuses plain-http authorities and the Graph client only attaches
 * bearer tokens to https hosts, so the emulators speak HTTPS with a certificate
 * issued by a local CA. Test processes trust that CA through NODE_EXTRA_CA_CERTS
 * (see vitest-global-setup.ts), so the real libraries need no code changes.
 *
 * The material is generated once under <repo>/.cache/tls and reused while it is
 * valid. `openssl` (present on Debian machines) issues a real CA + leaf pair;
 * without it, the `selfsigned` package makes one self-signed certificate that
 * serves as both trust anchor and server certificate.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface DevCertificate {
  certPath: string;
  keyPath: string;
  caPath: string;
  cert: string;
  key: string;
}

const CA_FILE = 'ca.crt';
const CA_KEY_FILE = 'ca.key';
const CERT_FILE = 'server.crt';
const KEY_FILE = 'server.key';

/** Hosts the server certificate must cover. */
const DNS_NAMES = ['localhost'];
const IP_ADDRESSES = ['127.0.0.1', '::1'];

const CA_DAYS = 3650;
const SERVER_DAYS = 825;
/** Regenerate when the certificate would expire within this window. */
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;

/** The repository root: this file lives in <repo>/dev/emulators. */
export function repoRoot(): string {
  if (typeof __dirname !== 'undefined') return path.resolve(__dirname, '..', '..');
  return process.cwd();
}

export function defaultTlsDir(): string {
  return path.join(repoRoot(), '.cache', 'tls');
}

export function ensureDevCertificate(dir: string = defaultTlsDir()): DevCertificate {
  const existing = readIfUsable(dir);
  if (existing) return existing;

  // Generate next to the target and rename into place, so concurrent callers
  // (vitest global setup, a demo process) never see half-written files.
  const parent = path.dirname(dir);
  mkdirSync(parent, { recursive: true });
  const staging = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  mkdirSync(staging, { recursive: true });
  try {
    if (hasOpenssl()) generateWithOpenssl(staging);
    else generateWithSelfsigned(staging);
    if (existsSync(dir)) {
      // Another process may have won the race with a usable set; prefer it.
      const raced = readIfUsable(dir);
      if (raced) return raced;
      rmSync(dir, { recursive: true, force: true });
    }
    try {
      renameSync(staging, dir);
    } catch (error) {
      const raced = readIfUsable(dir);
      if (raced) return raced;
      throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const fresh = readIfUsable(dir);
  if (!fresh) throw new Error(`dev TLS certificate in ${dir} is not usable right after generating it`);
  return fresh;
}

function readIfUsable(dir: string): DevCertificate | null {
  const certPath = path.join(dir, CERT_FILE);
  const keyPath = path.join(dir, KEY_FILE);
  const caPath = path.join(dir, CA_FILE);
  if (!existsSync(certPath) || !existsSync(keyPath) || !existsSync(caPath)) return null;
  try {
    const cert = readFileSync(certPath, 'utf8');
    const key = readFileSync(keyPath, 'utf8');
    const x509 = new X509Certificate(cert);
    const ca = new X509Certificate(readFileSync(caPath, 'utf8'));
    const now = Date.now();
    if (Date.parse(x509.validTo) - now < RENEW_BEFORE_MS) return null;
    if (Date.parse(ca.validTo) - now < RENEW_BEFORE_MS) return null;
    if (!x509.checkHost('localhost') || !x509.checkIP('127.0.0.1')) return null;
    if (!x509.verify(ca.publicKey)) return null;
    return { certPath, keyPath, caPath, cert, key };
  } catch {
    return null;
  }
}

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function generateWithOpenssl(dir: string): void {
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    [
      'req', '-x509', ...ecKey, '-keyout', CA_KEY_FILE, '-out', CA_FILE, '-days', String(CA_DAYS),
      '-subj', '/O=Nocomail dev/CN=Nocomail dev emulator CA',
      '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:0',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  openssl(['req', '-new', ...ecKey, '-keyout', KEY_FILE, '-out', 'server.csr', '-subj', '/O=Nocomail dev/CN=localhost'], dir);
  const san = [...DNS_NAMES.map((name) => `DNS:${name}`), ...IP_ADDRESSES.map((ip) => `IP:${ip}`)].join(',');
  writeFileSync(
    path.join(dir, 'server.ext'),
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${san}`,
      '',
    ].join('\n'),
  );
  openssl(
    [
      'x509', '-req', '-in', 'server.csr', '-CA', CA_FILE, '-CAkey', CA_KEY_FILE,
      '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', String(SERVER_DAYS),
      '-sha256', '-extfile', 'server.ext', '-out', CERT_FILE,
    ],
    dir,
  );
  rmSync(path.join(dir, 'server.csr'));
  rmSync(path.join(dir, 'server.ext'));
}

interface SelfsignedResult {
  private: string;
  cert: string;
}
type SelfsignedGenerate = (
  attrs: Array<{ name: string; value: string }>,
  options: Record<string, unknown>,
) => SelfsignedResult;

/** Fallback without openssl: one self-signed certificate that is its own trust anchor. */
function generateWithSelfsigned(dir: string): void {
  const requireFromRepo = createRequire(path.join(repoRoot(), 'package.json'));
  const { generate } = requireFromRepo('selfsigned') as { generate: SelfsignedGenerate };
  const pems = generate([{ name: 'commonName', value: 'localhost' }], {
    days: SERVER_DAYS,
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...DNS_NAMES.map((value) => ({ type: 2, value })), ...IP_ADDRESSES.map((ip) => ({ type: 7, ip }))],
      },
    ],
  });
  writeFileSync(path.join(dir, CERT_FILE), pems.cert);
  writeFileSync(path.join(dir, KEY_FILE), pems.private, { mode: 0o600 });
  writeFileSync(path.join(dir, CA_FILE), pems.cert);
}
