import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';

export interface SimTls {
  caPem: string;
  caFile: string;
  certPem: string;
  keyPem: string;
}

function rsaKeys(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey } {
  // Node's native key generation is much faster than forge's pure-JS one.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const priv = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  return { privateKey: priv, publicKey: forge.pki.setRsaPublicKey(priv.n, priv.e) };
}

function serial(): string {
  const b = randomBytes(16);
  b[0] = b[0] & 0x7f; // positive
  return b.toString('hex');
}

interface CaPair {
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

const CA_FILE = 'ca.pem';
const CA_KEY_FILE = 'ca-key.pem';

function validity(cert: forge.pki.Certificate, now: Date): void {
  cert.validity.notBefore = new Date(now.getTime() - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(now.getTime() + 365 * 24 * 60 * 60 * 1000);
}

function newCa(now: Date): CaPair {
  const caKeys = rsaKeys();
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serial();
  validity(ca, now);
  const caAttrs = [
    { name: 'commonName', value: 'graph-sim test CA' },
    { name: 'organizationName', value: 'graph-sim' },
  ];
  ca.setSubject(caAttrs);
  ca.setIssuer(caAttrs);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());
  return { cert: ca, key: caKeys.privateKey };
}

/** The CA kept in `dir` by an earlier start, if both its files are there and it is valid for another day. */
function savedCa(dir: string, now: Date): CaPair | null {
  const certFile = join(dir, CA_FILE);
  const keyFile = join(dir, CA_KEY_FILE);
  if (!existsSync(certFile) || !existsSync(keyFile)) return null;
  const cert = forge.pki.certificateFromPem(readFileSync(certFile, 'utf8'));
  const key = forge.pki.privateKeyFromPem(readFileSync(keyFile, 'utf8')) as forge.pki.rsa.PrivateKey;
  const dayAhead = new Date(now.getTime() + 24 * 60 * 60 * 1000);
  if (cert.validity.notAfter < dayAhead) return null;
  return { cert, key };
}

/** Written under a temporary name, then renamed: a reader never sees half a file. */
function writeAtomically(file: string, text: string, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, file);
}

/**
 * A CA and a server certificate for 127.0.0.1 / localhost (and `hostnames`) signed by it; the CA PEM is written to
 * `caDir/ca.pem`. A CA already kept in `caDir` (`ca.pem` with its key `ca-key.pem`) is used again, so that clients
 * that trust it keep trusting a restarted simulator; only the server certificate is new at every start.
 */
export function createTls(caDir?: string, hostnames: readonly string[] = []): SimTls {
  const now = new Date();
  const dir = caDir ?? mkdtempSync(join(tmpdir(), 'graph-sim-'));
  mkdirSync(dir, { recursive: true });
  const kept = savedCa(dir, now);
  const { cert: ca, key: caKey } = kept ?? newCa(now);

  const srvKeys = rsaKeys();
  const cert = forge.pki.createCertificate();
  cert.publicKey = srvKeys.publicKey;
  cert.serialNumber = serial();
  validity(cert, now);
  cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
  cert.setIssuer(ca.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 7, ip: '127.0.0.1' },
        { type: 2, value: 'localhost' },
        ...hostnames.map((value) => ({ type: 2, value })),
      ],
    },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());

  const caPem = forge.pki.certificateToPem(ca);
  const caFile = join(dir, CA_FILE);
  if (!kept) {
    // The key first: a ca.pem without its key next to it would be replaced at the next start.
    writeAtomically(join(dir, CA_KEY_FILE), forge.pki.privateKeyToPem(caKey), 0o600);
    writeAtomically(caFile, caPem, 0o644);
  }
  return {
    caPem,
    caFile,
    certPem: forge.pki.certificateToPem(cert),
    keyPem: forge.pki.privateKeyToPem(srvKeys.privateKey),
  };
}
