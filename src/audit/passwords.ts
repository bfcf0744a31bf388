/**
 * Password strength as the audit judges it. A Redis password is a service
 * secret, typed by no one: nothing excuses a short or guessable one, and Redis
 * can be tried at hundreds of thousands of AUTH attempts a second. The judgement
 * never returns the password itself, only facts about it.
 */
import { hashPassword } from '../acl/rules.js';

/** Shorter than this is weak: `ACL GENPASS` gives 64 characters. */
export const MIN_LENGTH = 16;
/** Fewer estimated bits than this is weak (brute-force estimate from the character classes). */
export const MIN_ENTROPY_BITS = 64;
/** Below this many bits per character (Shannon, over the password's own characters) it is repetitive. */
const MIN_BITS_PER_CHAR = 2.5;

/**
 * Passwords attackers try first: the most common leaked passwords, and the ones
 * Redis and Valkey documentation, images and tutorials use ("foobared" is
 * redis.conf's own example).
 */
const COMMON = [
  'foobared',
  'redis',
  'redispass',
  'redispassword',
  'redis123',
  'valkey',
  'password',
  'password1',
  'password123',
  'passw0rd',
  'p@ssw0rd',
  'p@ssword',
  'pass',
  'pass123',
  'secret',
  'secret123',
  'changeme',
  'changeit',
  'default',
  'admin',
  'admin123',
  'administrator',
  'root',
  'toor',
  'test',
  'test123',
  'testing',
  'guest',
  'master',
  'letmein',
  'welcome',
  'welcome1',
  'login',
  'qwerty',
  'qwerty123',
  'qwertyuiop',
  'asdfgh',
  'zxcvbnm',
  'abc123',
  '123abc',
  'iloveyou',
  'monkey',
  'dragon',
  'football',
  'baseball',
  'sunshine',
  'princess',
  'shadow',
  'superman',
  'trustno1',
  'whatever',
  'starwars',
  '111111',
  '000000',
  '123123',
  '121212',
  '654321',
  '666666',
  '123456',
  '1234567',
  '12345678',
  '123456789',
  '1234567890',
  '12345',
  '1234',
  'mypassword',
  'mysecret',
  'cache',
  'session',
  'example',
  'demo',
];

const COMMON_SET: ReadonlySet<string> = new Set(COMMON);
/** The SHA-256 of each, to recognise them in `#<hash>` rules and ACL LIST output. */
const COMMON_HASHES: ReadonlySet<string> = new Set(COMMON.map(hashPassword));

export interface PasswordJudgement {
  /** In the common-password list (case-insensitively). */
  readonly common: boolean;
  /** Why it is weak besides being common (empty: strong enough). */
  readonly weaknesses: readonly string[];
  /** A redacted description: length and estimated entropy, never a character of it. */
  readonly description: string;
}

/** log2 of the size of the character classes the password draws from. */
function bitsPerCharacter(p: string): number {
  let size = 0;
  if (/[a-z]/.test(p)) size += 26;
  if (/[A-Z]/.test(p)) size += 26;
  if (/[0-9]/.test(p)) size += 10;
  if (/[^a-zA-Z0-9]/.test(p)) size += 33;
  return size === 0 ? 0 : Math.log2(size);
}

/** Shannon entropy per character of the password's own character distribution. */
function shannonPerCharacter(p: string): number {
  const counts = new Map<string, number>();
  for (const c of p) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const q = n / p.length;
    h -= q * Math.log2(q);
  }
  return h;
}

export function judgePassword(p: string): PasswordJudgement {
  const entropy = Math.floor(p.length * bitsPerCharacter(p));
  const weaknesses: string[] = [];
  if (p.length < MIN_LENGTH) weaknesses.push(`length ${p.length} (at least ${MIN_LENGTH} expected)`);
  if (entropy < MIN_ENTROPY_BITS)
    weaknesses.push(`about ${entropy} bits of entropy (at least ${MIN_ENTROPY_BITS} expected)`);
  if (p.length > 0 && shannonPerCharacter(p) < MIN_BITS_PER_CHAR)
    weaknesses.push('few distinct characters, repeated');
  return {
    common: COMMON_SET.has(p.toLowerCase()),
    weaknesses,
    description: `length ${p.length}, about ${entropy} bits of entropy`,
  };
}

/** Whether a SHA-256 password hash (`#<hex>` rule, ACL LIST) is one of a common password. */
export function isCommonPasswordHash(hash: string): boolean {
  return COMMON_HASHES.has(hash.toLowerCase());
}
