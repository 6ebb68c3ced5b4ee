import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withStepUp, type CodeSource } from './step-up-codes.js';

function codesFrom(list: string[]): CodeSource & { asked: string[] } {
  const asked: string[] = [];
  let first: string | undefined = list.shift();
  return {
    asked,
    initial() {
      const c = first;
      first = undefined;
      return c;
    },
    async fresh(why) {
      asked.push(why);
      const c = list.shift();
      if (!c) throw new Error('no more codes');
      return c;
    },
  };
}
const refused = (code: string) => Object.assign(new Error('that code was used already'), { code });

test('a step-up needed again takes a fresh code, and a refused fresh code the next one', async () => {
  const codes = codesFrom(['111111', '222222', '333333']);
  const seen: Array<string | undefined> = [];
  const r = await withStepUp(codes, 'approved', async (otp) => {
    seen.push(otp);
    if (otp !== '333333') throw refused('mfa_invalid');
    return 'connected';
  });
  assert.equal(r, 'connected');
  assert.deepEqual(seen, ['111111', '222222', '333333'], 'each code is sent once, in order');
  assert.match(codes.asked[1], /the hub refused the last code: that code was used already/);
});

test('gives up after three fresh codes, with the hub’s reason', async () => {
  const codes = codesFrom(['1', '2', '3', '4', '5', '6']);
  let calls = 0;
  await assert.rejects(
    withStepUp(codes, 'approved', async () => {
      calls++;
      throw refused('mfa_invalid');
    }),
    (err: { code?: string }) => err.code === 'mfa_invalid',
  );
  assert.equal(calls, 4, 'the first code and three fresh ones');
});

test('other refusals are not a step-up: no code is asked for', async () => {
  const codes = codesFrom(['1', '2']);
  await assert.rejects(
    withStepUp(codes, 'approved', async () => {
      throw refused('forbidden');
    }),
    /used already/,
  );
  assert.deepEqual(codes.asked, []);
});
