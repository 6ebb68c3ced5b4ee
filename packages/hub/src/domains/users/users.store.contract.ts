import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../storage/test-database.js';
import { createUsersStore, type UserWithHash } from './users.store.js';

const user = (over: Partial<UserWithHash> = {}): UserWithHash => ({
  id: 'usr_ann',
  username: 'ann',
  role: 'operator',
  disabled: false,
  createdAt: '2026-03-01T00:00:00.000Z',
  lastLoginAt: null,
  passwordHash: '$argon2id$ann',
  ...over,
});

const token = (id: string, createdAt: string, userId = 'usr_ann') => ({
  id,
  name: `token ${id}`,
  role: 'viewer' as const,
  userId,
  expiresAt: '2027-01-01T00:00:00.000Z',
  createdAt,
  lastUsedAt: null,
  secretHash: `secret-${id}`,
});

export function usersStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`users store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('counts, inserts and reads users by id and username with the password hash', async () => {
      const users = createUsersStore(db());
      assert.equal(await users.count(), 0);
      await users.insert(user());
      await users.insert(
        user({
          id: 'usr_bob',
          username: 'bob',
          role: 'admin',
          disabled: true,
          lastLoginAt: '2026-03-02T00:00:00.000Z',
        }),
      );
      assert.equal(await users.count(), 2);
      assert.deepEqual(await users.byId('usr_ann'), user());
      assert.deepEqual(
        await users.byUsername('bob'),
        user({
          id: 'usr_bob',
          username: 'bob',
          role: 'admin',
          disabled: true,
          lastLoginAt: '2026-03-02T00:00:00.000Z',
        }),
      );
      assert.equal(await users.byId('usr_nope'), null);
      assert.equal(await users.byUsername('Ann'), null);
    });

    it('refuses a second user with the same username', async () => {
      const users = createUsersStore(db());
      await users.insert(user());
      await assert.rejects(users.insert(user({ id: 'usr_other' })));
      assert.equal(await users.count(), 1);
    });

    it('lists users by username without their password hashes', async () => {
      const users = createUsersStore(db());
      await users.insert(user({ id: 'u2', username: 'zoe' }));
      await users.insert(user({ id: 'u1', username: 'adam' }));
      const list = await users.list();
      assert.deepEqual(
        list.map((u) => u.username),
        ['adam', 'zoe'],
      );
      assert.ok(list.every((u) => !('passwordHash' in u)));
      assert.deepEqual(list[0], {
        id: 'u1',
        username: 'adam',
        role: 'operator',
        disabled: false,
        createdAt: '2026-03-01T00:00:00.000Z',
        lastLoginAt: null,
      });
    });

    it('updates role, disabled flag, password hash and last login', async () => {
      const users = createUsersStore(db());
      await users.insert(user());
      await users.update('usr_ann', {
        role: 'admin',
        disabled: 1,
        password_hash: 'new',
        last_login_at: '2026-03-05T00:00:00.000Z',
      });
      assert.deepEqual(
        await users.byId('usr_ann'),
        user({ role: 'admin', disabled: true, passwordHash: 'new', lastLoginAt: '2026-03-05T00:00:00.000Z' }),
      );
    });

    it('finds the user of a session only until it expires', async () => {
      const users = createUsersStore(db());
      await users.insert(user());
      await users.insertSession({
        idHash: 's1',
        userId: 'usr_ann',
        createdAt: '2026-03-02T00:00:00.000Z',
        expiresAt: '2026-03-02T12:00:00.000Z',
        sourceIp: '10.0.0.1',
      });
      assert.deepEqual(await users.sessionUser('s1', '2026-03-02T11:59:59.999Z'), user());
      assert.equal(await users.sessionUser('s1', '2026-03-02T12:00:00.000Z'), null);
      assert.equal(await users.sessionUser('s_nope', '2026-03-02T00:00:00.000Z'), null);
    });

    it('deletes one session, or every session of a user', async () => {
      const users = createUsersStore(db());
      await users.insert(user());
      await users.insert(user({ id: 'usr_bob', username: 'bob' }));
      const s = (idHash: string, userId: string) => ({
        idHash,
        userId,
        createdAt: '2026-03-02T00:00:00.000Z',
        expiresAt: '2026-03-03T00:00:00.000Z',
        sourceIp: null,
      });
      await users.insertSession(s('a1', 'usr_ann'));
      await users.insertSession(s('a2', 'usr_ann'));
      await users.insertSession(s('b1', 'usr_bob'));
      const now = '2026-03-02T01:00:00.000Z';
      await users.deleteSession('a1');
      assert.equal(await users.sessionUser('a1', now), null);
      assert.equal((await users.sessionUser('a2', now))?.id, 'usr_ann');
      await users.deleteSessionsOf('usr_ann');
      assert.equal(await users.sessionUser('a2', now), null);
      assert.equal((await users.sessionUser('b1', now))?.id, 'usr_bob');
    });

    it('stores API tokens, finds them by id and secret hash, and lists them by creation time', async () => {
      const users = createUsersStore(db());
      await users.insertToken(token('t2', '2026-03-02T00:00:00.000Z'));
      await users.insertToken(token('t1', '2026-03-01T00:00:00.000Z'));
      await users.insertToken(token('t3', '2026-03-03T00:00:00.000Z', 'usr_bob'));
      const { secretHash: _s, ...t1 } = token('t1', '2026-03-01T00:00:00.000Z');
      assert.deepEqual(await users.tokenById('t1'), { ...t1, revoked: false });
      assert.deepEqual(await users.tokenBySecretHash('secret-t1'), { ...t1, revoked: false });
      assert.equal(await users.tokenById('t_nope'), null);
      assert.equal(await users.tokenBySecretHash('nope'), null);
      assert.deepEqual(
        (await users.listTokens()).map((t) => t.id),
        ['t1', 't2', 't3'],
      );
      assert.deepEqual(
        (await users.listTokens('usr_ann')).map((t) => t.id),
        ['t1', 't2'],
      );
    });

    it('refuses two tokens with one secret hash', async () => {
      const users = createUsersStore(db());
      await users.insertToken(token('t1', '2026-03-01T00:00:00.000Z'));
      await assert.rejects(users.insertToken({ ...token('t2', '2026-03-01T00:00:00.000Z'), secretHash: 'secret-t1' }));
    });

    it('revokes and touches a token', async () => {
      const users = createUsersStore(db());
      await users.insertToken(token('t1', '2026-03-01T00:00:00.000Z'));
      await users.revokeToken('t1');
      await users.touchToken('t1', '2026-03-04T00:00:00.000Z');
      const t = await users.tokenById('t1');
      assert.equal(t?.revoked, true);
      assert.equal(t?.lastUsedAt, '2026-03-04T00:00:00.000Z');
    });

    it('counts login failures of a key strictly after a time, and clears them', async () => {
      const users = createUsersStore(db());
      await users.addFailure('ann@10.0.0.1', '2026-03-02T10:00:00.000Z');
      await users.addFailure('ann@10.0.0.1', '2026-03-02T10:05:00.000Z');
      await users.addFailure('bob@10.0.0.1', '2026-03-02T10:05:00.000Z');
      assert.equal(await users.countFailures('ann@10.0.0.1', '2026-03-02T09:00:00.000Z'), 2);
      assert.equal(await users.countFailures('ann@10.0.0.1', '2026-03-02T10:00:00.000Z'), 1);
      await users.clearFailures('ann@10.0.0.1');
      assert.equal(await users.countFailures('ann@10.0.0.1', '2026-03-01T00:00:00.000Z'), 0);
      assert.equal(await users.countFailures('bob@10.0.0.1', '2026-03-01T00:00:00.000Z'), 1);
    });

    it('reserves a sign-in attempt against every key unless refused, and takes it back on release', async () => {
      const users = createUsersStore(db());
      const since = '2026-03-02T00:00:00.000Z';
      await users.addFailure('user:ann', '2026-03-02T10:00:00.000Z');
      const seen: Array<Map<string, { count: number; latest: string | null }>> = [];
      const first = await users.reserveAttempt(
        'a1',
        ['user:ann', 'ip:10.0.0.1'],
        '2026-03-02T10:01:00.000Z',
        since,
        (s) => {
          seen.push(s);
          return null;
        },
      );
      assert.equal(first, null);
      assert.deepEqual(seen[0].get('user:ann'), { count: 1, latest: '2026-03-02T10:00:00.000Z' });
      assert.deepEqual(seen[0].get('ip:10.0.0.1'), { count: 0, latest: null });
      const stats = await users.failureStats(['user:ann', 'ip:10.0.0.1'], since);
      assert.deepEqual(stats.get('user:ann'), { count: 2, latest: '2026-03-02T10:01:00.000Z' });
      assert.equal(stats.get('ip:10.0.0.1')?.count, 1);
      // Refused: nothing is counted.
      const refused = await users.reserveAttempt('a2', ['user:ann'], '2026-03-02T10:02:00.000Z', since, () => 'wait');
      assert.equal(refused, 'wait');
      assert.equal(await users.countFailures('user:ann', since), 2);
      await users.releaseAttempt('a1');
      assert.equal(await users.countFailures('user:ann', since), 1);
      assert.equal(await users.countFailures('ip:10.0.0.1', since), 0);
    });

    it('decides concurrent reservations one after another', async () => {
      const users = createUsersStore(db());
      const since = '2026-03-02T00:00:00.000Z';
      const outcomes = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          users.reserveAttempt(`b${i}`, ['user:bob'], '2026-03-02T10:00:00.000Z', since, (s) =>
            (s.get('user:bob')?.count ?? 0) >= 5 ? 'refused' : null,
          ),
        ),
      );
      assert.equal(outcomes.filter((o) => o === null).length, 5);
      assert.equal(await users.countFailures('user:bob', since), 5);
    });
  });
}
