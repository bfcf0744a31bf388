/** Redoubt's own version, and the Redis version whose behaviour it reproduces. */
export const VERSION = '0.1.0';
export const REDIS_COMPAT_VERSION = '7.0.15';
