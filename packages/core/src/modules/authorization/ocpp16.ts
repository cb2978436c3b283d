import type { HandlerRegistry } from '../../registry.js';
import { toIdTagInfo, type AuthorizationService } from './service.js';

/** OCPP 1.6 Authorize. */
export function registerAuthorization16(reg: HandlerRegistry, auth: AuthorizationService): void {
  reg.on16('Authorize', async (_call, req) => ({ idTagInfo: toIdTagInfo(await auth.authorize(req.idTag, { concurrent: true })) }));
}
