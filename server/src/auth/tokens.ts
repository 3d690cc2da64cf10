import { createHash, randomBytes } from 'node:crypto';

/** 256 bits from the CSPRNG; only the SHA-256 of a token is ever stored. */
export const newToken = (prefix = '') => prefix + randomBytes(32).toString('base64url');
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export const SESSION_COOKIE = 'defuse_session';
export const API_TOKEN_PREFIX = 'dfs_';
/** A session unused this long ends; any session ends this long after sign-in. */
export const SESSION_IDLE_SECONDS = 12 * 3600;
export const SESSION_ABSOLUTE_SECONDS = 30 * 86_400;
