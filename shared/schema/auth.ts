import { z } from 'zod';
import { PERMISSIONS, ROLES } from '../auth/roles.js';
import { SingleLineText } from './common.js';

export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;
export const Permission = z.enum(PERMISSIONS);
export type Permission = z.infer<typeof Permission>;

export const Username = z
  .string()
  .min(2)
  .max(40)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, dot, dash and underscore');
/** Long enough to resist guessing; no composition rules (NIST SP 800-63B). */
export const Password = SingleLineText.min(10).max(200);

/** `POST /api/auth/login`. */
export const LoginRequest = z.object({ username: SingleLineText.min(1).max(40), password: SingleLineText.min(1).max(200) }).strict();
export type LoginRequest = z.infer<typeof LoginRequest>;

/** Who is signed in, as `GET /api/auth/me` and the login answer give it. */
export const SessionUser = z.object({
  username: z.string(),
  displayName: z.string(),
  role: Role,
  /** The team of a field account (处置人员), whose tasks it sees and acts on. */
  teamId: z.string().nullable(),
  /** The unit of a unit desk account, whose cases it sees and works. */
  unitCode: z.string().nullable(),
  permissions: z.array(Permission),
});
export type SessionUser = z.infer<typeof SessionUser>;
/** `GET /api/auth/me` and the sign-in answers; `user` is null when nobody is signed in (me only). */
export const MeResponse = z.object({ user: SessionUser.nullable() });
export type MeResponse = z.infer<typeof MeResponse>;

/** A user account as admins see it (never with its password hash). */
export const UserView = z.object({
  username: z.string(),
  displayName: z.string(),
  role: Role,
  teamId: z.string().nullable(),
  unitCode: z.string().nullable(),
  disabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type UserView = z.infer<typeof UserView>;

export const NewUser = z
  .object({
    username: Username,
    displayName: SingleLineText.min(1).max(60).optional(),
    role: Role,
    password: Password,
    teamId: SingleLineText.min(1).max(64).optional(),
    unitCode: SingleLineText.min(1).max(64).optional(),
  })
  .strict()
  .refine((u) => u.role !== 'field' || u.teamId !== undefined, { message: 'a field account needs its teamId', path: ['teamId'] })
  .refine((u) => (u.role === 'unit') === (u.unitCode !== undefined), { message: 'a unit desk account needs its unitCode, and only it has one', path: ['unitCode'] });
export type NewUser = z.infer<typeof NewUser>;

export const UserChange = z
  .object({
    displayName: SingleLineText.min(1).max(60).optional(),
    role: Role.optional(),
    password: Password.optional(),
    disabled: z.boolean().optional(),
    teamId: SingleLineText.min(1).max(64).nullable().optional(),
    unitCode: SingleLineText.min(1).max(64).nullable().optional(),
  })
  .strict()
  .refine((c) => Object.keys(c).length > 0, 'nothing to change');
export type UserChange = z.infer<typeof UserChange>;

/** A machine's API token (sensor gateway, 12345 bridge, wall display): created by an admin, shown once. */
export const NewApiToken = z.object({ name: SingleLineText.min(1).max(80), role: Role }).strict();
export type NewApiToken = z.infer<typeof NewApiToken>;
export const ApiTokenView = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  createdBy: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiTokenView = z.infer<typeof ApiTokenView>;
/** The answer to creating a token: the only time its secret is shown. */
export const CreatedApiToken = ApiTokenView.extend({ token: z.string() });
export type CreatedApiToken = z.infer<typeof CreatedApiToken>;

/** One entry of the append-only audit log. */
export const AuditEntry = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  role: z.string(),
  action: z.string(),
  objectType: z.string(),
  objectId: z.string(),
  detail: z.unknown(),
  address: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
