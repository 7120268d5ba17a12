// Directory records are checked against the publisher's verified log (SPEC 17): 422 with the library's error.
import { DirectoryRecord } from '@coffre/core';
import type { AccountLog } from '../auth/logs.js';
import { LibraryRefusal, libraryCheck } from '../http/errors.js';

const RECORD_INVALID = 41;  // docs/SPEC.md section 7

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
