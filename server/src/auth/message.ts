// The signed message of a store request (docs/STORE.md section 2):
//   m = frame("coffre/v1/store/request") || frame(method) || frame(target) || content_sha256[32] || u64 time ||
//       nonce[16] || frame(user)
export interface StoreRequestFields {
  method: string;
  target: string;
  contentSha256: Uint8Array;
  time: bigint;
  nonce: Uint8Array;
  user: Uint8Array;  // 16 bytes, or empty
}

function frame(b: Uint8Array): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

export function storeRequestMessage(r: StoreRequestFields): Buffer {
  const time = Buffer.alloc(8);
  time.writeBigUInt64BE(r.time);
  return Buffer.concat([frame(Buffer.from('coffre/v1/store/request')), frame(Buffer.from(r.method)),
    frame(Buffer.from(r.target)), r.contentSha256, time, r.nonce, frame(r.user)]);
}
