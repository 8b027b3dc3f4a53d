import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { photoTitle } from './photos.js';

describe('photoTitle (issue 17: a monitor photo is titled for a reader, not by UUID)', () => {
  it('names the vehicles, the point and the minute in UTC', () => {
    assert.equal(
      photoTitle(['BUS-017'], 'Ramouseh', '2016-12-16T12:05:31+02:00'),
      'Photo of BUS-017 at Ramouseh, 2016-12-16 10:05 UTC',
    );
  });
  it('shortens a long vehicle list and leaves out what is unknown', () => {
    assert.equal(
      photoTitle(['A-1', 'A-2', 'A-3', 'A-4', 'A-5'], undefined, 'not a time'),
      'Photo of A-1, A-2, A-3, +2',
    );
    assert.equal(photoTitle([], undefined, ''), 'Photo');
  });
});
