export * from './schema/common.js';
export * from './schema/category.js';
export * from './schema/incident.js';
export * from './schema/city.js';
export * from './schema/team.js';
export * from './schema/messages.js';
export * from './schema/auth.js';
export * from './auth/roles.js';
