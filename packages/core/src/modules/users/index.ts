/** Users and roles, login sessions, per-user API tokens, and the driver's view of their sessions. */
export { UserService, ROLES, SESSION_TTL_MS, MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH, API_TOKEN_PREFIX, LOGIN_MAX_FAILURES, LOGIN_WINDOW_MS } from './service.js';
export type { Principal, Role, User, ApiToken } from './service.js';
export { DriverService, csvField } from './driver.js';
export type { DriverSession, MonthlyStat } from './driver.js';
