import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OpsError, type OpsErrorCode } from './errors.js';
import { type Mandate, validateMandate } from './model.js';

const sc: Mandate = {
  id: 'm1',
  body: 'security-council',
  instrument: 'S/RES/2328 (2016)',
  date: '2016-12-19',
  textRef: 'https://undocs.org/S/RES/2328(2016)',
  vote: { yes: 15, no: 0, abstain: 0, membership: 15 },
  unanimous: true,
};
const ga: Mandate = {
  id: 'm2',
  body: 'general-assembly',
  instrument: 'A/RES/71/248',
  date: '2016-12-21',
  textRef: 'https://undocs.org/A/RES/71/248',
  vote: { yes: 105, no: 15, abstain: 52, membership: 193 },
};

function fails(m: Mandate, code: OpsErrorCode) {
  assert.throws(
    () => validateMandate(m),
    (e) => e instanceof OpsError && e.code === code,
    `validateMandate(${m.instrument}) should fail with ${code}`,
  );
}

describe('validateMandate', () => {
  it('derives the non-voting members of a recorded vote', () => {
    assert.equal(validateMandate(sc)?.nonVoting, 0);
    assert.equal(validateMandate(ga)?.nonVoting, 21);
  });
  it('returns null for a mandate without a vote', () => {
    assert.equal(
      validateMandate({ ...ga, body: 'parties-agreement', instrument: 'agreement', vote: undefined }),
      null,
    );
  });
  describe('when the vote is inconsistent', () => {
    it('fails with INVALID_VOTE if the votes exceed the membership', () =>
      fails({ ...ga, vote: { yes: 150, no: 15, abstain: 52, membership: 193 } }, 'INVALID_VOTE'));
    it('fails with INVALID_VOTE on a negative count', () =>
      fails({ ...ga, vote: { yes: -1, no: 15, abstain: 52, membership: 193 } }, 'INVALID_VOTE'));
    it('fails with INVALID_VOTE on NaN', () =>
      fails({ ...ga, vote: { yes: Number.NaN, no: 15, abstain: 52, membership: 193 } }, 'INVALID_VOTE'));
    it('fails with INVALID_VOTE on a unanimous vote with an abstention', () =>
      fails({ ...sc, vote: { yes: 14, no: 0, abstain: 1, membership: 15 } }, 'INVALID_VOTE'));
    it('fails with INVALID_VOTE on a Security Council that is not 15', () =>
      fails(
        { ...sc, unanimous: false, vote: { yes: 15, no: 0, abstain: 0, membership: 16 } },
        'INVALID_VOTE',
      ));
  });
  describe('when the symbol or date is malformed', () => {
    it('fails on a Security Council symbol of another year', () =>
      fails({ ...sc, instrument: 'S/RES/2328 (2017)' }, 'INVALID_MANDATE'));
    it('fails on a General Assembly symbol in SC form', () =>
      fails({ ...ga, instrument: 'S/RES/71 (2016)' }, 'INVALID_MANDATE'));
    it('fails on a date that is not YYYY-MM-DD', () =>
      fails({ ...ga, date: '21/12/2016' }, 'INVALID_MANDATE'));
    it('fails on an empty text reference', () => fails({ ...ga, textRef: ' ' }, 'INVALID_MANDATE'));
  });
});
