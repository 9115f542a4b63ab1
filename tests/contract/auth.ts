import { describe, expect, it } from 'vitest';
import type { StoredSession } from '../../server/store/authStore.js';
import { HOUR, iso, MINUTE, sortedBy, T0, useStore, type OpenStore } from './records.js';

const user = (username: string, over: Partial<{ displayName: string; role: 'admin' | 'dispatcher' | 'field' | 'unit'; teamId: string | null; unitCode: string | null; at: number }> = {}) => ({
  username,
  displayName: over.displayName ?? `${username} 显示名`,
  role: over.role ?? ('dispatcher' as const),
  passwordHash: `scrypt$${username}$hash`,
  ...(over.teamId !== undefined ? { teamId: over.teamId } : {}),
  ...(over.unitCode !== undefined ? { unitCode: over.unitCode } : {}),
  at: over.at ?? T0,
});

export function describeAuthRepository(open: OpenStore): void {
  describe('AuthRepository', () => {
    const store = useStore(open);

    it('creates users and finds them by name and id', async () => {
      const { auth } = store();
      expect(await auth.countUsers()).toBe(0);
      expect(await auth.listUsers()).toEqual([]);
      const admin = await auth.createUser(user('admin', { role: 'admin', at: T0 }));
      expect(admin).toEqual({
        id: admin.id, username: 'admin', displayName: 'admin 显示名', role: 'admin', teamId: null, unitCode: null, passwordHash: 'scrypt$admin$hash', disabled: false,
        createdAt: iso(T0), updatedAt: iso(T0),
      });
      expect(Number.isInteger(admin.id)).toBe(true);
      const crew = await auth.createUser(user('crew.1', { role: 'field', teamId: 'team-3', at: T0 + MINUTE }));
      expect(crew).toMatchObject({ username: 'crew.1', role: 'field', teamId: 'team-3', createdAt: iso(T0 + MINUTE) });
      expect(crew.id).not.toBe(admin.id);
      const desk = await auth.createUser(user('desk.shuiwu', { role: 'unit', unitCode: 'shuiwu', at: T0 + 2 * MINUTE }));
      expect(desk).toMatchObject({ username: 'desk.shuiwu', role: 'unit', teamId: null, unitCode: 'shuiwu' });
      expect(crew.unitCode).toBeNull();
      expect(await auth.countUsers()).toBe(3);
      expect(await auth.userByName('desk.shuiwu')).toEqual(desk);
      expect(await auth.userByName('admin')).toEqual(admin);
      expect(await auth.userById(crew.id)).toEqual(crew);
      expect(await auth.userByName('nobody')).toBeUndefined();
      expect(await auth.userById(crew.id + admin.id + 1000)).toBeUndefined();
      expect(sortedBy(await auth.listUsers(), (u) => u.username)).toEqual([admin, crew, desk]);
    });

    it('refuses a second user of the same name', async () => {
      const { auth } = store();
      const first = await auth.createUser(user('wang'));
      await expect(auth.createUser(user('wang', { displayName: 'another' }))).rejects.toThrow();
      expect(await auth.countUsers()).toBe(1);
      expect(await auth.userByName('wang')).toEqual(first);
    });

    it('updates only what a change names, and when', async () => {
      const { auth } = store();
      const u = await auth.createUser(user('li', { role: 'field', teamId: 'team-1', at: T0 }));
      const other = await auth.createUser(user('zhao'));
      const renamed = await auth.updateUser(u.id, { displayName: '李 队长', role: 'leader' as const, at: T0 + HOUR });
      expect(renamed).toEqual({ ...u, displayName: '李 队长', role: 'leader', updatedAt: iso(T0 + HOUR) });
      const disabled = await auth.updateUser(u.id, { disabled: true, passwordHash: 'scrypt$new', at: T0 + 2 * HOUR });
      expect(disabled).toEqual({ ...renamed, disabled: true, passwordHash: 'scrypt$new', updatedAt: iso(T0 + 2 * HOUR) });
      const moved = await auth.updateUser(u.id, { teamId: 'team-2', disabled: false, at: T0 + 3 * HOUR });
      expect(moved).toEqual({ ...disabled, teamId: 'team-2', disabled: false, updatedAt: iso(T0 + 3 * HOUR) });
      const noTeam = await auth.updateUser(u.id, { teamId: null, at: T0 + 4 * HOUR });
      expect(noTeam).toEqual({ ...moved, teamId: null, updatedAt: iso(T0 + 4 * HOUR) });
      const desk = await auth.updateUser(u.id, { role: 'unit' as const, unitCode: 'ranqi', at: T0 + 5 * HOUR });
      expect(desk).toEqual({ ...noTeam, role: 'unit', unitCode: 'ranqi', updatedAt: iso(T0 + 5 * HOUR) });
      const noUnit = await auth.updateUser(u.id, { role: 'leader' as const, unitCode: null, at: T0 + 6 * HOUR });
      expect(noUnit).toEqual({ ...desk, role: 'leader', unitCode: null, updatedAt: iso(T0 + 6 * HOUR) });
      // A change that names no unit keeps the one there is.
      expect(await auth.updateUser(u.id, { unitCode: 'gongdian', at: T0 + 7 * HOUR })).toMatchObject({ unitCode: 'gongdian' });
      expect(await auth.updateUser(u.id, { displayName: '李', at: T0 + 8 * HOUR })).toMatchObject({ unitCode: 'gongdian', teamId: null });
      const back = await auth.updateUser(u.id, { displayName: '李 队长', unitCode: null, at: T0 + 4 * HOUR });
      expect(back).toEqual(noTeam);
      expect(await auth.userByName('li')).toEqual(noTeam);
      expect(await auth.userById(other.id)).toEqual(other);
    });

    it('creates machine tokens, marks their use, revokes each once', async () => {
      const { auth } = store();
      const tok = await auth.createToken({ id: 'tok_1', name: '12345 热线网关', role: 'dispatcher', secretHash: 'sha256$x', createdBy: 'admin', at: T0 });
      expect(tok).toEqual({ id: 'tok_1', name: '12345 热线网关', role: 'dispatcher', secretHash: 'sha256$x', createdBy: 'admin', createdAt: iso(T0), lastUsedAt: null, revokedAt: null });
      const wall = await auth.createToken({ id: 'tok_2', name: 'wall', role: 'wall', secretHash: 'sha256$y', createdBy: 'admin', at: T0 + MINUTE });
      expect(await auth.tokenById('tok_1')).toEqual(tok);
      expect(await auth.tokenById('tok_9')).toBeUndefined();
      expect(sortedBy(await auth.listTokens(), (t) => t.id)).toEqual([tok, wall]);
      await auth.touchToken('tok_1', T0 + HOUR);
      expect(await auth.tokenById('tok_1')).toEqual({ ...tok, lastUsedAt: iso(T0 + HOUR) });
      await auth.touchToken('tok_1', T0 + 2 * HOUR);
      expect((await auth.tokenById('tok_1'))!.lastUsedAt).toBe(iso(T0 + 2 * HOUR));
      expect(await auth.revokeToken('tok_1', T0 + 3 * HOUR)).toBe(true);
      expect(await auth.revokeToken('tok_1', T0 + 4 * HOUR)).toBe(false);
      expect(await auth.revokeToken('tok_9', T0 + 4 * HOUR)).toBe(false);
      expect(await auth.tokenById('tok_1')).toEqual({ ...tok, lastUsedAt: iso(T0 + 2 * HOUR), revokedAt: iso(T0 + 3 * HOUR) });
      expect(await auth.tokenById('tok_2')).toEqual(wall);
      await expect(auth.createToken({ id: 'tok_2', name: 'again', role: 'wall', secretHash: 'z', createdBy: 'admin', at: T0 })).rejects.toThrow();
      expect(await auth.tokenById('tok_2')).toEqual(wall);
    });

    it("keeps sessions of users and of tokens: find, extend, end one, end a user's or a token's, end the expired", async () => {
      const { auth } = store();
      const a = await auth.createUser(user('a'));
      const b = await auth.createUser(user('b'));
      await auth.createToken({ id: 'tok_w', name: 'wall', role: 'wall', secretHash: 'h', createdBy: 'admin', at: T0 });
      const session = (idHash: string, owner: { userId?: number; tokenId?: string }, expiresAt: number): StoredSession => ({
        idHash, userId: owner.userId ?? null, tokenId: owner.tokenId ?? null, createdAt: T0, expiresAt,
      });
      const sessions = [
        session('a1', { userId: a.id }, T0 + 8 * HOUR),
        session('a2', { userId: a.id }, T0 + 8 * HOUR),
        session('b1', { userId: b.id }, T0 + 1 * HOUR),
        session('w1', { tokenId: 'tok_w' }, T0 + 24 * HOUR),
        session('w2', { tokenId: 'tok_w' }, T0 + 2 * HOUR),
      ];
      for (const s of sessions) await auth.createSession(s);
      for (const s of sessions) expect(await auth.sessionByHash(s.idHash)).toEqual(s);
      expect(await auth.sessionByHash('none')).toBeUndefined();

      await auth.extendSession('a1', T0 + 12 * HOUR);
      expect(await auth.sessionByHash('a1')).toEqual({ ...sessions[0], expiresAt: T0 + 12 * HOUR });
      await auth.deleteSession('a2');
      expect(await auth.sessionByHash('a2')).toBeUndefined();
      await auth.deleteSession('a2');

      expect(await auth.deleteSessionsOfUser(a.id)).toEqual(['a1']);
      expect(await auth.sessionByHash('a1')).toBeUndefined();
      expect(await auth.deleteSessionsOfUser(a.id)).toEqual([]);
      expect(await auth.sessionByHash('b1')).toEqual(sessions[2]);

      await auth.createSession(session('w3', { tokenId: 'tok_w' }, T0 + 3 * HOUR));
      expect((await auth.deleteSessionsOfToken('tok_w')).sort()).toEqual(['w1', 'w2', 'w3']);
      expect(await auth.sessionByHash('w1')).toBeUndefined();
      expect(await auth.deleteSessionsOfToken('tok_w')).toEqual([]);

      await auth.createSession(session('b2', { userId: b.id }, T0 + 5 * HOUR));
      await auth.createSession(session('b3', { userId: b.id }, T0 + 10 * HOUR));
      // b1 ended an hour in, b2 at five: at three hours only b1 is over.
      expect(await auth.deleteExpiredSessions(T0 + 3 * HOUR)).toBe(1);
      expect(await auth.sessionByHash('b1')).toBeUndefined();
      expect(await auth.sessionByHash('b2')).toEqual(session('b2', { userId: b.id }, T0 + 5 * HOUR));
      expect(await auth.deleteExpiredSessions(T0 + 6 * HOUR)).toBe(1);
      expect(await auth.deleteExpiredSessions(T0 + 6 * HOUR)).toBe(0);
      expect((await auth.deleteSessionsOfUser(b.id)).sort()).toEqual(['b3']);
    });
  });
}
