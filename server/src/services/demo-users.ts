import { randomBytes } from 'node:crypto';
import type { Role } from '../contracts/api.js';
import type { AuthService } from './auth-service.js';

/**
 * The demo's people besides `admin`: an officer, a guard for the first depot and a wall display, so a
 * newcomer can see every page the README shows. Created on the first start when DEMO_USERS is on (the demo's
 * default), each with a long random password that is printed once and stored only as its hash.
 */
export interface DemoUser { username: string; role: Role; depots: string[] | null; password: string }

/** 24 characters from 144 random bits: long enough for any password policy */
export const randomPassword = (): string => randomBytes(18).toString('base64url');

export async function createDemoUsers(auth: Pick<AuthService, 'createUser'>, firstDepot: string | undefined): Promise<DemoUser[]> {
  const wanted: Omit<DemoUser, 'password'>[] = [
    { username: 'officer', role: 'officer', depots: null },
    ...(firstDepot ? [{ username: 'guard', role: 'guard' as const, depots: [firstDepot] }] : []),
    { username: 'display', role: 'display', depots: null },
  ];
  const made: DemoUser[] = [];
  for (const u of wanted) {
    const password = randomPassword();
    await auth.createUser({ ...u, password });
    made.push({ ...u, password });
  }
  return made;
}

/** What the first start prints about the demo users: their passwords, or how to make them. */
export function demoUsersText(made: readonly DemoUser[] | null, boardUrl: string): string {
  if (made === null) {
    return [
      '  Demo users: only "admin" exists. Add an officer, a guard (with its depots) and a display (the wall)',
      `  at ${boardUrl}#/admin/users, or start once with DEMO_USERS=on on an empty DATA_DIR to have them created.`,
    ].join('\n');
  }
  const width = Math.max(...made.map((u) => u.username.length));
  return [
    '  Demo users (passwords shown once):',
    ...made.map((u) => `    ${u.username.padEnd(width)}  ${u.password}   ${u.role}${u.depots ? ` of ${u.depots.join(', ')}` : ', all depots'}`),
  ].join('\n');
}
