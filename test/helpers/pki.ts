/**
 * Real certificates for TLS tests, made with the `openssl` CLI in a temporary
 * directory: a CA, a server certificate (localhost, 127.0.0.1, ::1), client
 * certificates with a chosen CN, and a self-signed "rogue" client certificate.
 * EC P-256 keys: generated in milliseconds even on a busy machine.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Pair {
  readonly cert: string;
  readonly key: string;
}

export interface Pki {
  readonly dir: string;
  readonly ca: string;
  readonly caKey: string;
  readonly server: Pair;
  /** A client certificate signed by the CA, CN as given (cached by CN). */
  client(cn: string): Pair;
  /** Another server certificate (a renewal), subject CN as given. */
  serverCert(cn: string): Pair;
  /** A self-signed client certificate no CA vouches for. */
  readonly rogue: Pair;
  /** The server key encrypted with `passphrase` (PKCS#8, AES-256). */
  encryptedServerKey(passphrase: string): string;
  remove(): void;
}

/** Why TLS tests cannot run here, or undefined; with REDOUBT_REQUIRE_OPENSSL=1 (CI) an error instead. */
export function opensslUnavailable(): string | undefined {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    if (process.env.REDOUBT_REQUIRE_OPENSSL === '1')
      throw new Error('REDOUBT_REQUIRE_OPENSSL=1 but the openssl CLI is not installed');
    return 'the openssl CLI is not installed';
  }
}

const openssl = (args: readonly string[], cwd: string): void => {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
};

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'redoubt-pki-'));
  const ca = join(dir, 'ca.crt');
  const caKey = join(dir, 'ca.key');
  openssl(
    [
      'req',
      '-x509',
      ...EC,
      '-keyout',
      caKey,
      '-out',
      ca,
      '-days',
      '2',
      '-subj',
      '/CN=Redoubt Test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  let n = 0;
  const issue = (cn: string, ext: string): Pair => {
    const base = join(dir, `leaf${n++}`);
    const extFile = `${base}.ext`;
    writeFileSync(extFile, `${ext}\n`);
    openssl(['req', ...EC, '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=${cn}`], dir);
    openssl(
      [
        'x509',
        '-req',
        '-in',
        `${base}.csr`,
        '-CA',
        ca,
        '-CAkey',
        caKey,
        '-set_serial',
        `0x${randomBytes(8).toString('hex')}`,
        '-out',
        `${base}.crt`,
        '-days',
        '2',
        '-extfile',
        extFile,
      ],
      dir,
    );
    chmodSync(`${base}.key`, 0o600);
    return { cert: `${base}.crt`, key: `${base}.key` };
  };
  const serverExt =
    'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE';
  const server = issue('localhost', serverExt);
  const clients = new Map<string, Pair>();
  const rogueBase = join(dir, 'rogue');
  openssl(
    [
      'req',
      '-x509',
      ...EC,
      '-keyout',
      `${rogueBase}.key`,
      '-out',
      `${rogueBase}.crt`,
      '-days',
      '2',
      '-subj',
      '/CN=alice',
    ],
    dir,
  );
  return {
    dir,
    ca,
    caKey,
    server,
    rogue: { cert: `${rogueBase}.crt`, key: `${rogueBase}.key` },
    client(cn) {
      let p = clients.get(cn);
      if (p === undefined) {
        p = issue(cn, 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE');
        clients.set(cn, p);
      }
      return p;
    },
    serverCert: (cn) => issue(cn, serverExt),
    encryptedServerKey(passphrase) {
      const out = join(dir, `enc${n++}.key`);
      openssl(
        [
          'pkcs8',
          '-topk8',
          '-in',
          server.key,
          '-out',
          out,
          '-v2',
          'aes-256-cbc',
          '-passout',
          `pass:${passphrase}`,
        ],
        dir,
      );
      return out;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
