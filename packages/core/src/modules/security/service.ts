import type { CoreContext } from '../../context.js';
import type { HandlerRegistry } from '../../registry.js';

/** Security events, station certificates and PKI (A, M; OCPP 1.6 Security Whitepaper). */
export class SecurityService {
  constructor(private readonly ctx: CoreContext) {}

  register16(_reg: HandlerRegistry): void {}

  register201(_reg: HandlerRegistry): void {}
}
