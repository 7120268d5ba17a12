// Refusals: every refused request gets {"error", "code", "message"} (docs/STORE.md section 1).
import { CoffreError } from '@coffre/core';

export class StoreError extends Error {
  constructor(readonly status: number, readonly error: string, message: string,
    readonly extra: Record<string, unknown> = {}, readonly headers: Record<string, string> = {}) {
    super(message);
  }

  body(): Record<string, unknown> {
    return { error: this.error, code: null, message: this.message, ...this.extra };
  }
}

/** The library refused an object the server verified: 422 with the library's error name and numeric code. */
export class LibraryRefusal extends Error {
  constructor(readonly error: string, readonly code: number, message: string) {
    super(message);
  }

  static of(e: CoffreError): LibraryRefusal {
    return new LibraryRefusal(e.code, e.status, e.message);
  }

  body(): Record<string, unknown> {
    return { error: this.error, code: this.code, message: this.message };
  }
}

export const badPath = (why = 'not a path of the store'): StoreError => new StoreError(400, 'bad_path', why);
export const badRequest = (why: string): StoreError => new StoreError(400, 'bad_request', why);
export const forbidden = (why: string): StoreError => new StoreError(403, 'forbidden', why);
export const notFound = (): StoreError => new StoreError(404, 'not_found', 'no such object');
export const tooLarge = (limit: number): StoreError =>
  new StoreError(413, 'too_large', `the body is over the limit of ${limit} bytes`);

/** Runs a library call; a CoffreError becomes a 422 refusal. */
export function libraryCheck<T>(call: () => T): T {
  try {
    return call();
  } catch (e) {
    if (e instanceof CoffreError) throw LibraryRefusal.of(e);
    throw e;
  }
}
