import type { HandlerRegistry } from '../../registry.js';
import type { AuthorizationService } from './service.js';

/** OCPP 2.0.1/2.1 authorization (C). */
export function registerAuthorization201(_reg: HandlerRegistry, _auth: AuthorizationService): void {}
