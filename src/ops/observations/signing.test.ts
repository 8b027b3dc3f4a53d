import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson } from '../../lib/canonical-json.js';
import { sighting } from '../fixtures.js';
import {
  deviceKeyFromSeed,
  observationFromWire,
  observationSigningText,
  signObservation,
  verifyObservationSignature,
  wireObservation,
  wireSigningText,
} from './signing.js';

/** nonCanonical sets the unused low bits of the last base64 digit: same bytes, second spelling. */
function nonCanonical(b64: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const i = b64.indexOf('=') - 1;
  return b64.slice(0, i) + alphabet[alphabet.indexOf(b64[i]!) | 1] + b64.slice(i + 1);
}

const key = deviceKeyFromSeed(new Uint8Array(32).fill(7));
const other = deviceKeyFromSeed(new Uint8Array(32).fill(8));
const obs = sighting('obs-1', 'v1', 'c1', 30, 50, {
  note: 'الراموسة — بوابة',
  categories: { adults: 30, children: 20 },
});

describe('observationSigningText', () => {
  it('is canonical JSON with sorted keys and no receipt time', () => {
    const text = observationSigningText(obs);
    assert.ok(text.startsWith('{"categories":{"adults":30,"children":20},"clientId":"obs-1"'), text);
    assert.ok(!text.includes('receivedTime'));
    assert.equal(observationSigningText({ ...obs, receivedTime: 'later' } as typeof obs), text);
  });
  it('leaves absent categories out rather than writing null', () => {
    const a = observationSigningText({ ...obs, categories: { adults: 30, children: undefined } });
    assert.ok(a.includes('"categories":{"adults":30}'), a);
  });
});

describe('the signed form', () => {
  it('is the canonical JSON of the body the monitor app posts', () => {
    // web/src/monitor/device-key.ts signs canonicalJson(JSON.parse(JSON.stringify(body))).
    const body = {
      clientId: obs.clientId,
      operationId: obs.operationId,
      routePointId: obs.routePointId,
      deviceTime: obs.deviceTime,
      kind: obs.kind,
      vehicleIds: [...obs.vehicleIds],
      headcount: obs.headcount,
      categories: { adults: 30, children: 20 },
      note: obs.note,
    };
    assert.equal(observationSigningText(obs), canonicalJson(JSON.parse(JSON.stringify(body))));
  });
  it('round-trips through the wire form', () => {
    const wire = wireObservation(obs);
    const back = observationFromWire(wire, {
      monitorId: obs.monitorId,
      deviceKeyId: obs.deviceKeyId,
      receivedTime: obs.receivedTime,
    });
    assert.deepEqual(back, obs);
    assert.equal(wireSigningText(wire), observationSigningText(obs));
  });
  it('does not sign who sent it (the key says so) nor when it arrived', () => {
    const text = observationSigningText(obs);
    assert.equal(observationSigningText({ ...obs, monitorId: 'monitor-99', deviceKeyId: 'd-9' }), text);
  });
});

describe('verifyObservationSignature', () => {
  const signature = signObservation(obs, key);

  it('accepts the device signature', () => {
    assert.equal(verifyObservationSignature(obs, signature, key.publicKeyRawB64), true);
  });

  it('accepts a re-sent observation with a new receipt time', () => {
    const resent = { ...obs, receivedTime: '2016-12-16T00:00:00.000Z' };
    assert.equal(verifyObservationSignature(resent, signature, key.publicKeyRawB64), true);
  });

  describe('when the observation was altered after signing', () => {
    for (const [field, change] of [
      ['headcount', { headcount: 49 }],
      ['vehicleIds', { vehicleIds: ['v2'] }],
      ['deviceTime', { deviceTime: '2016-12-15T06:31:00.000Z' }],
      ['note', { note: 'changed' }],
      ['categories', { categories: { adults: 31, children: 19 } }],
    ] as const) {
      it(`rejects a changed ${field}`, () => {
        assert.equal(
          verifyObservationSignature({ ...obs, ...change }, signature, key.publicKeyRawB64),
          false,
        );
      });
    }
  });

  it('rejects a signature by another device key', () => {
    assert.equal(verifyObservationSignature(obs, signObservation(obs, other), key.publicKeyRawB64), false);
  });

  it('rejects every single-bit flip of the signature', () => {
    const bytes = Buffer.from(signature, 'base64');
    for (let i = 0; i < bytes.length * 8; i += 7) {
      const flipped = Buffer.from(bytes);
      flipped[i >> 3]! ^= 1 << (i & 7);
      assert.equal(
        verifyObservationSignature(obs, flipped.toString('base64'), key.publicKeyRawB64),
        false,
        `bit ${i}`,
      );
    }
  });

  it('returns false, never throws, on malformed signatures and keys', () => {
    for (const [sig, pub] of [
      ['', key.publicKeyRawB64],
      ['not base64!', key.publicKeyRawB64],
      [signature.slice(4), key.publicKeyRawB64],
      [nonCanonical(signature), key.publicKeyRawB64],
      [signature, ''],
      [signature, Buffer.alloc(31).toString('base64')],
      [signature, Buffer.alloc(33).toString('base64')],
      [signature, `${key.publicKeyRawB64}\n`],
    ]) {
      assert.equal(verifyObservationSignature(obs, sig!, pub!), false, `${sig} / ${pub}`);
    }
  });
});
