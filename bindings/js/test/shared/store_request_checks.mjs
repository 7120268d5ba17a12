// Checks of signed store requests (docs/STORE.md section 2) through the JS package: signing with a device and a
// recovery phrase, the store's parse and verify, every altered field and every malformed header refused.
// Plain ES module (node and Chromium); vectors/store-request.json is replayed by checks.mjs.
import { assert, CheckFailure, throwsCodeSync as throwsCode, toHex } from './checks.mjs';

const USER = new Uint8Array(16).fill(0x5a);
const TARGET = `/v1/o/accounts/${toHex(USER)}/state/1.sealed`;

// node's IncomingHttpHeaders: lower-case names.
function lowerCased(headers) {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

export function storeRequestChecks(lib) {
  const body = new TextEncoder().encode('a sealed account state');
  const withDevice = (fn) => {
    const device = lib.DeviceKeys.generate();
    try {
      return fn(device);
    } finally {
      device.dispose();
    }
  };

  return [
    {
      name: 'store requests: sha256 is SHA-256',
      run() {
        assert(toHex(lib.sha256(new Uint8Array(0))) ===
          'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'sha256 of nothing');
        assert(toHex(lib.sha256(new TextEncoder().encode('abc'))) ===
          'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'sha256 of abc');
      },
    },
    {
      name: 'store requests: a device signs, the store parses and verifies (record, lower-case names, Headers)',
      run() {
        withDevice((device) => {
          const before = BigInt(Math.floor(Date.now() / 1000));
          const { headers } = lib.signStoreRequest(device, { method: 'PUT', target: TARGET, body, user: USER });
          assert(JSON.stringify(Object.keys(headers)) === JSON.stringify(['Coffre-Key', 'Coffre-User', 'Coffre-Time',
            'Coffre-Nonce', 'Coffre-Content-SHA256', 'Coffre-Signature']), `header names: ${Object.keys(headers)}`);
          assert(headers['Coffre-Key'] === toHex(device.signPublicKey), 'Coffre-Key');
          assert(headers['Coffre-User'] === toHex(USER), 'Coffre-User');
          assert(headers['Coffre-Content-SHA256'] === toHex(lib.sha256(body)), 'Coffre-Content-SHA256');
          assert(/^[0-9a-f]{32}$/.test(headers['Coffre-Nonce']) && /^[0-9a-f]{128}$/.test(headers['Coffre-Signature']),
            'nonce and signature in lower-case hex');
          const time = BigInt(headers['Coffre-Time']);
          assert(time >= before && time <= before + 5n, 'Coffre-Time: the local clock');

          for (const received of [headers, lowerCased(headers), new Headers(headers)]) {
            const r = lib.verifyStoreRequest(received, 'PUT', TARGET);
            assert(r.keyHex === headers['Coffre-Key'] && toHex(r.key) === r.keyHex, 'verified key');
            assert(r.userHex === toHex(USER) && toHex(r.user) === r.userHex, 'verified user');
            assert(r.time === time && r.method === 'PUT' && r.target === TARGET, 'verified time, method, target');
            assert(r.nonceHex === headers['Coffre-Nonce'] && toHex(r.nonce) === r.nonceHex, 'verified nonce');
            assert(r.contentSha256Hex === toHex(lib.sha256(body)), 'verified content hash');
          }
          // The store's order: parse, check the time itself, then verify the parsed headers.
          const parsed = lib.parseStoreRequestHeaders(lowerCased(headers));
          assert(parsed instanceof lib.StoreRequestHeaders && parsed.time === time, 'parsed');
          assert(lib.verifyStoreRequest(parsed, 'PUT', TARGET).nonceHex === parsed.nonceHex, 'verify parsed headers');

          const again = lib.signStoreRequest(device, { method: 'PUT', target: TARGET, body, user: USER }).headers;
          assert(again['Coffre-Nonce'] !== headers['Coffre-Nonce'], 'a fresh nonce for each request');
        });
      },
    },
    {
      name: 'store requests: no user, a precomputed hash, a recovery signer',
      run() {
        withDevice((device) => {
          const { headers } = lib.signStoreRequest(device, { method: 'GET', target: '/v1/list/x?after=a&limit=2',
            time: 5, nonce: new Uint8Array(16) });
          assert(!('Coffre-User' in headers), 'no Coffre-User without a user');
          assert(headers['Coffre-Time'] === '5' && headers['Coffre-Nonce'] === '0'.repeat(32), 'given time and nonce');
          assert(headers['Coffre-Content-SHA256'] === toHex(lib.sha256(new Uint8Array(0))), 'no body: empty hash');
          const r = lib.verifyStoreRequest(headers, 'GET', '/v1/list/x?after=a&limit=2');
          assert(r.user === undefined && r.userHex === undefined, 'no user');
          throwsCode(lib, () => lib.verifyStoreRequest({ ...headers, 'Coffre-User': toHex(USER) }, 'GET',
            '/v1/list/x?after=a&limit=2'), 'signature_invalid', 'a user added');

          const hashed = lib.signStoreRequest(device, { method: 'PUT', target: TARGET, contentSha256: lib.sha256(body),
            time: 5, nonce: new Uint8Array(16) }).headers;
          const fromBody = lib.signStoreRequest(device, { method: 'PUT', target: TARGET, body, time: 5,
            nonce: new Uint8Array(16) }).headers;
          assert(JSON.stringify(hashed) === JSON.stringify(fromBody), 'contentSha256 is the hash of body');
          throwsCode(lib, () => lib.signStoreRequest(device, { method: 'PUT', target: TARGET, body,
            contentSha256: lib.sha256(body) }), 'invalid_argument', 'body and contentSha256');
        });
        const phrase = lib.RecoveryPhrase.generate();
        try {
          const { headers } = lib.signStoreRequest(phrase, { method: 'GET', target: TARGET, user: USER });
          assert(headers['Coffre-Key'] === toHex(phrase.signPublicKey), 'the recovery signing key');
          lib.verifyStoreRequest(headers, 'GET', TARGET);
        } finally {
          phrase.dispose();
        }
      },
    },
    {
      name: 'store requests: every altered field, another key, another method or target: signature_invalid',
      run() {
        withDevice((device) => {
          const { headers } = lib.signStoreRequest(device, { method: 'PUT', target: `${TARGET}?a=1`, body,
            user: USER });
          const flip = (h) => h.slice(0, -1) + (h.at(-1) === '0' ? '1' : '0');
          const altered = {
            key: { 'Coffre-Key': toHex(lib.DeviceKeys.generate().signPublicKey) },
            user: { 'Coffre-User': flip(headers['Coffre-User']) },
            time: { 'Coffre-Time': String(BigInt(headers['Coffre-Time']) + 1n) },
            nonce: { 'Coffre-Nonce': flip(headers['Coffre-Nonce']) },
            'content hash': { 'Coffre-Content-SHA256': toHex(lib.sha256(new Uint8Array(1))) },
            signature: { 'Coffre-Signature': flip(headers['Coffre-Signature']) },
          };
          for (const [what, change] of Object.entries(altered)) {
            throwsCode(lib, () => lib.verifyStoreRequest({ ...headers, ...change }, 'PUT', `${TARGET}?a=1`),
              'signature_invalid', what);
          }
          const noUser = { ...headers };
          delete noUser['Coffre-User'];
          throwsCode(lib, () => lib.verifyStoreRequest(noUser, 'PUT', `${TARGET}?a=1`), 'signature_invalid',
            'user removed');
          throwsCode(lib, () => lib.verifyStoreRequest(headers, 'POST', `${TARGET}?a=1`), 'signature_invalid',
            'method');
          throwsCode(lib, () => lib.verifyStoreRequest(headers, 'PUT', `${TARGET}?a=2`), 'signature_invalid',
            'query');
          throwsCode(lib, () => lib.verifyStoreRequest(headers, 'PUT', TARGET), 'signature_invalid', 'query removed');
          throwsCode(lib, () => lib.verifyStoreRequest(headers, 'put', `${TARGET}?a=1`), 'invalid_argument',
            'a method no request line carries');
          throwsCode(lib, () => lib.signStoreRequest(device, { method: 'PUT', target: 'v1/o/x' }), 'invalid_argument',
            'a target not in origin form');
        });
      },
    },
    {
      name: 'store requests: malformed or missing headers are invalid_argument, naming the header',
      run() {
        withDevice((device) => {
          const { headers } = lib.signStoreRequest(device, { method: 'GET', target: TARGET, user: USER });
          const cases = [
            ['Coffre-Key', undefined],
            ['Coffre-Key', headers['Coffre-Key'].toUpperCase()],
            ['Coffre-Key', headers['Coffre-Key'].slice(2)],
            ['Coffre-User', headers['Coffre-User'] + '00'],
            ['Coffre-User', ''],
            ['Coffre-Time', undefined],
            ['Coffre-Time', `0${headers['Coffre-Time']}`],
            ['Coffre-Time', '18446744073709551616'],
            ['Coffre-Time', '-1'],
            ['Coffre-Time', '1e9'],
            ['Coffre-Nonce', undefined],
            ['Coffre-Nonce', `${headers['Coffre-Nonce'].slice(0, 31)}g`],
            ['Coffre-Content-SHA256', undefined],
            ['Coffre-Content-SHA256', ` ${headers['Coffre-Content-SHA256']}`],
            ['Coffre-Signature', undefined],
            ['Coffre-Signature', headers['Coffre-Signature'].slice(0, 126)],
          ];
          for (const [name, value] of cases) {
            const h = { ...headers };
            if (value === undefined) delete h[name];
            else h[name] = value;
            const e = throwsCode(lib, () => lib.verifyStoreRequest(h, 'GET', TARGET), 'invalid_argument',
              `${name}: ${value}`);
            assert(e.message.includes(name), `the message names ${name}: ${e.message}`);
          }
          const repeated = lowerCased(headers);
          repeated['coffre-nonce'] = [headers['Coffre-Nonce'], headers['Coffre-Nonce']];
          throwsCode(lib, () => lib.parseStoreRequestHeaders(repeated), 'invalid_argument', 'a repeated header');
          const max = lib.parseStoreRequestHeaders({ ...headers, 'Coffre-Time': '18446744073709551615' });
          assert(max.time === 18446744073709551615n, 'the largest time');
        });
      },
    },
  ];
}
