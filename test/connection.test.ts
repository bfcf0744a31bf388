import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Differential, sameType } from './helpers/diff.js';

describe('connection commands (differential)', () => {
  let d: Differential | null;
  before(async () => {
    d = await Differential.start();
  });
  after(async () => {
    await d?.close();
  });

  it('PING, ECHO and their errors', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    await d.all([
      ['PING'],
      ['ping', 'hello'],
      ['PING', 'a', 'b'],
      ['ECHO', 'x\r\ny'],
      ['ECHO'],
      ['ECHO', 'a', 'b'],
      ['SELECT', '1'],
      ['SELECT', '16'],
      ['SELECT', '-1'],
      ['SELECT', 'x'],
      ['SELECT', '99999999999'],
      ['SELECT', '0'],
      ['nosuchcommand', 'a', 'b'],
      ['nosuchcommand'],
      ['CLIENT', 'nosuch'],
      ['CLIENT'],
      ['AUTH', 'x'],
      ['AUTH', 'a', 'b', 'c'],
      ['AUTH', 'default', 'x'],
      ['HELLO', 'x'],
      ['HELLO', '4'],
      ['HELLO', '1'],
      ['HELLO', '3', 'FOO'],
      ['HELLO', '3', 'AUTH', 'default'],
      ['HELLO', '3', 'SETNAME', 'a b'],
      ['CLIENT', 'SETNAME', 'has space'],
      ['CLIENT', 'SETNAME', 'good'],
      ['CLIENT', 'GETNAME'],
      ['CLIENT', 'SETNAME', ''],
      ['CLIENT', 'GETNAME'],
      ['CLIENT', 'REPLY', 'maybe'],
      ['CLIENT', 'NO-EVICT', 'maybe'],
      ['CLIENT', 'NO-EVICT', 'on'],
      ['CLIENT', 'PAUSE', 'abc'],
      ['CLIENT', 'PAUSE', '-1'],
      ['CLIENT', 'KILL', 'ID', '0'],
      ['CLIENT', 'KILL', 'ID', 'abc'],
      ['CLIENT', 'KILL', 'TYPE', 'foo'],
      ['CLIENT', 'KILL', 'USER', 'nobody'],
      ['CLIENT', 'KILL', '1.2.3.4:5'],
      ['CLIENT', 'KILL', 'MAXAGE', '5'],
      ['CLIENT', 'KILL', 'SKIPME', 'maybe'],
      ['CLIENT', 'KILL', 'ID', '99999'],
      ['CLIENT', 'LIST', 'TYPE', 'foo'],
      ['CLIENT', 'LIST', 'ID', 'x'],
      ['CLIENT', 'UNPAUSE'],
    ]);
    await d.same(['CLIENT', 'ID'], sameType);
  });

  it('HELLO 3 switches both servers to RESP3 the same way', async (t) => {
    if (d === null) return t.skip('redis-server not installed');
    const [a, b] = await d.pair();
    const ra = await a.call('HELLO', '3');
    const rb = await b.call('HELLO', '3');
    assert.ok(Array.isArray(ra) && Array.isArray(rb));
    assert.equal(ra.length, rb.length);
    for (const conn of [a, b]) {
      assert.equal((await conn.raw('PING')).toString(), '+PONG\r\n');
      assert.equal((await conn.raw('ECHO', 'x')).toString(), '$1\r\nx\r\n');
    }
    a.close();
    b.close();
  });
});
