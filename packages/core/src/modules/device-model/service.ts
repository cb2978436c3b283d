import type { CoreContext } from '../../context.js';
import type { HandlerRegistry } from '../../registry.js';

/** The device model each OCPP 2.x station reports (B, N). */
export class DeviceModelService {
  constructor(private readonly ctx: CoreContext) {}

  register201(_reg: HandlerRegistry): void {}
}
