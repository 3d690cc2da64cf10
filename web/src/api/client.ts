import type { ApiError, FieldError } from '@defuse/shared';
import { boardLanguage } from '../i18n/board-language.ts';

/** A non-2xx answer in the API error shape (docs/api.md, Errors), or a network failure (status 0). */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
  get isNetwork(): boolean {
    return this.status === 0;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface ApiResponse<T> {
  status: number;
  data: T;
  headers: Headers;
}

export async function apiFetch<T>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: options.method ?? 'GET',
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        // The board's language, not the account's: reasons and notes come back in what the person reads.
        'accept-language': boardLanguage(),
        ...(options.body !== undefined && { 'content-type': 'application/json' }),
        ...options.headers,
      },
      body: options.body === undefined ? null : JSON.stringify(options.body),
      ...(options.signal && { signal: options.signal }),
    });
  } catch (err) {
    throw new ApiRequestError(0, 'network', err instanceof Error ? err.message : 'network error');
  }
  if (res.status === 204) return { status: res.status, data: undefined as T, headers: res.headers };
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const error = (json as Partial<ApiError> | undefined)?.error;
    throw new ApiRequestError(
      res.status,
      error?.code ?? 'http_error',
      error?.message ?? `HTTP ${res.status}`,
      error?.fields ?? [],
      error?.details ?? {},
    );
  }
  return { status: res.status, data: json as T, headers: res.headers };
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  return (await apiFetch<T>(path, options)).data;
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiRequestError) {
    const fields = err.fields.map((f) => `${f.path}: ${f.message}`).join(', ');
    return fields ? `${err.message} (${fields})` : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
