// Signed objects the server can check before it stores them, against the writer's verified log: directory records
// (SPEC 17) and access lists (SPEC 16.1). 422 with the library's error. Clients check them again.
import { DirectoryRecord } from '@coffre/core';
import type { AccountLog } from '../auth/logs.js';
import { LibraryRefusal, libraryCheck } from '../http/errors.js';
import { type Document, openAccessList } from './members.js';

const WRONG_CONTEXT = 8;  // docs/SPEC.md section 7
const RECORD_INVALID = 41;

export function checkDirectoryRecord(bytes: Buffer, user: string, log: AccountLog): void {
  const record = libraryCheck(() => DirectoryRecord.verify(new Uint8Array(bytes)));
  try {
    if (Buffer.from(record.userId).toString('hex') !== user) {
      throw new LibraryRefusal('record_invalid', RECORD_INVALID, 'the record is another account\'s');
    }
    libraryCheck(() => record.checkAgainstLog(log.log));
  } finally {
    record.dispose();
  }
}

/**
 * An access list is written by the owner's device: it must open as `d`'s list with the owner's current identity (a
 * list no member could open would lock them out), and `<v>.access` (`version`) must hold key version v.
 */
export function checkAccessList(bytes: Buffer, d: Document, version: bigint | undefined, log: AccountLog): void {
  const list = libraryCheck(() => openAccessList(bytes, d, log));
  try {
    if (version !== undefined && BigInt(list.keyVersion) !== version) {
      throw new LibraryRefusal('wrong_context', WRONG_CONTEXT, `the list is of key version ${list.keyVersion}, not ${version}`);
    }
  } finally {
    list.dispose();
  }
}
