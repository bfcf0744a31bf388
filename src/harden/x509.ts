/**
 * X.509 v3 certificates for `redoubt harden --tls`, made in-process: EC P-256
 * keys from node:crypto, the certificate encoded with der.ts and signed with
 * crypto.sign (ECDSA with SHA-256). A private CA (basicConstraints CA:true,
 * keyCertSign), a server certificate (serverAuth, subjectAltName for the
 * addresses and names clients connect to) and a client certificate
 * (clientAuth) for `tls-auth-clients yes`.
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';
import {
  bitString,
  boolean,
  explicit,
  implicit,
  namedBits,
  octetString,
  oid,
  pem,
  sequence,
  set,
  smallInteger,
  time,
  unsignedInteger,
  utf8String,
} from './der.js';
import { ipBytes } from './ip.js';

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

/** keyUsage bits (RFC 5280 4.2.1.3). */
const DIGITAL_SIGNATURE = 0;
const KEY_CERT_SIGN = 5;
const CRL_SIGN = 6;

export interface KeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** P-256: fast to make and to use, accepted by every TLS stack Redis and its clients use. */
export function newKeyPair(): KeyPair {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

function name(cn: string): Buffer {
  const rdn = (type: string, value: string): Buffer => set(sequence(oid(type), utf8String(value)));
  return sequence(rdn(OID.organization, 'redoubt harden'), rdn(OID.commonName, cn));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
}

/** RFC 5280's method 1: the SHA-1 of the subjectPublicKey bits. */
function keyIdentifier(publicKey: KeyObject): Buffer {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  // For an EC key the BIT STRING is the last 66 bytes of the SPKI: 0x03 0x42 0x00 + the 65-byte point.
  return createHash('sha1')
    .update(spki.subarray(spki.length - 65))
    .digest();
}

/** subjectAltName entries: iPAddress for IP literals, dNSName for the rest. */
function altNames(names: readonly string[]): Buffer {
  return sequence(
    ...names.map((n) => (isIP(n) === 0 ? implicit(2, Buffer.from(n, 'latin1')) : implicit(7, ipBytes(n)))),
  );
}

export interface CertificateRequest {
  readonly subject: string;
  readonly keys: KeyPair;
  /** The issuer: undefined for the self-signed CA. */
  readonly issuer?: { readonly subject: string; readonly keys: KeyPair };
  readonly days: number;
  readonly kind: 'ca' | 'server' | 'client';
  /** subjectAltName (server certificates). */
  readonly altNames?: readonly string[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function extensionsOf(r: CertificateRequest, issuerKeys: KeyPair): Buffer[] {
  const ids = [
    extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(r.keys.publicKey))),
    extension(OID.authorityKeyIdentifier, false, sequence(implicit(0, keyIdentifier(issuerKeys.publicKey)))),
  ];
  if (r.kind === 'ca')
    return [
      extension(OID.basicConstraints, true, sequence(boolean(true))),
      extension(OID.keyUsage, true, namedBits([KEY_CERT_SIGN, CRL_SIGN])),
      ...ids,
    ];
  return [
    extension(OID.basicConstraints, true, sequence()),
    extension(OID.keyUsage, true, namedBits([DIGITAL_SIGNATURE])),
    extension(OID.extKeyUsage, false, sequence(oid(r.kind === 'server' ? OID.serverAuth : OID.clientAuth))),
    ...(r.altNames === undefined || r.altNames.length === 0
      ? []
      : [extension(OID.subjectAltName, false, altNames(r.altNames))]),
    ...ids,
  ];
}

/** A signed certificate, PEM. */
export function certificate(r: CertificateRequest, now = new Date()): string {
  const issuer = r.issuer ?? { subject: r.subject, keys: r.keys };
  const algorithm = sequence(oid(OID.ecdsaWithSha256));
  // 16 random bytes, top bit clear: positive and unpredictable (CA/B forum asks for 64 bits at least).
  const serial = randomBytes(16);
  serial[0] = (serial[0] as number) & 0x7f;
  const tbs = sequence(
    explicit(0, smallInteger(2)), // v3
    unsignedInteger(serial),
    algorithm,
    name(issuer.subject),
    // An hour back: a server whose clock is slightly behind still accepts it at once.
    sequence(time(new Date(now.getTime() - HOUR)), time(new Date(now.getTime() + r.days * DAY))),
    name(r.subject),
    r.keys.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, sequence(...extensionsOf(r, issuer.keys))),
  );
  const signature = sign('sha256', tbs, issuer.keys.privateKey);
  return pem('CERTIFICATE', sequence(tbs, algorithm, bitString(signature)));
}

/** A private key as PKCS#8 PEM (what Redis, Valkey and Node all read). */
export function privateKeyPem(keys: KeyPair): string {
  return keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
}

export interface Pki {
  readonly caCert: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
}

/** Validity: the CA ten years, the leaves two (renew them with a new `harden --tls`, or your own CA). */
export const CA_DAYS = 3650;
export const LEAF_DAYS = 730;

/** A CA, a server certificate for `serverNames` and a client certificate named `clientName`. */
export function makePki(serverNames: readonly string[], clientName: string): Pki {
  const caKeys = newKeyPair();
  const serverKeys = newKeyPair();
  const clientKeys = newKeyPair();
  const ca = { subject: 'redoubt harden CA', keys: caKeys };
  return {
    caCert: certificate({ ...ca, days: CA_DAYS, kind: 'ca' }),
    caKey: privateKeyPem(caKeys),
    serverCert: certificate({
      subject: serverNames[0] ?? 'localhost',
      keys: serverKeys,
      issuer: ca,
      days: LEAF_DAYS,
      kind: 'server',
      altNames: serverNames,
    }),
    serverKey: privateKeyPem(serverKeys),
    clientCert: certificate({
      subject: clientName,
      keys: clientKeys,
      issuer: ca,
      days: LEAF_DAYS,
      kind: 'client',
    }),
    clientKey: privateKeyPem(clientKeys),
  };
}
