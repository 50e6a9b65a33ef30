import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureDevCertificate } from '../tls';

describe('dev TLS certificate', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'nocomail-tls-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('issues a server certificate for localhost and 127.0.0.1 signed by the local CA, valid for years', () => {
    const material = ensureDevCertificate(path.join(dir, 'tls'));
    const cert = new X509Certificate(material.cert);
    const ca = new X509Certificate(readFileSync(material.caPath));
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(Date.parse(cert.validTo) - Date.now()).toBeGreaterThan(365 * 24 * 3600 * 1000);
  });

  it('reuses the generated material instead of issuing a new certificate each time', () => {
    const first = ensureDevCertificate(path.join(dir, 'reuse'));
    const second = ensureDevCertificate(path.join(dir, 'reuse'));
    expect(second.cert).toBe(first.cert);
    expect(second.key).toBe(first.key);
  });

  it('is trusted by a forked test worker without any TLS option (NODE_EXTRA_CA_CERTS from the global setup)', async () => {
    const material = ensureDevCertificate();
    expect(process.env.NODE_EXTRA_CA_CERTS).toBe(material.caPath);
    const server = https.createServer({ key: material.key, cert: material.cert }, (_req, res) => res.end('trusted'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const viaFetch = await fetch(`https://localhost:${port}/`);
      expect(await viaFetch.text()).toBe('trusted');
      const viaHttps = await new Promise<string>((resolve, reject) => {
        https
          .get(`https://127.0.0.1:${port}/`, (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => (body += chunk.toString()));
            res.on('end', () => resolve(body));
          })
          .on('error', reject);
      });
      expect(viaHttps).toBe('trusted');
    } finally {
      server.close();
    }
  });
});
