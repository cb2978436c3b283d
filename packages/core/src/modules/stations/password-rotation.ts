import { randomBytes } from 'node:crypto';
import type { V16, V201 } from '@voltlane/ocpp';
import type { CoreContext } from '../../context.js';
import { AppError } from '../../errors.js';
import type { CommandService } from '../commands/service.js';
import type { StationService } from './service.js';

/**
 * What OCPP allows as a Basic auth password (2.0.1 BasicAuthPassword, 1.6 security whitepaper
 * AuthorizationKey): 16 to 40 characters. We take printable ASCII without spaces.
 */
export const STATION_PASSWORD = /^[\x21-\x7e]{16,40}$/;

/** The outcome of a password rotation. */
export interface PasswordRotation {
  /** The charger took the new password and Voltlane now expects it at the next connection. */
  rotated: boolean;
  ocppVersion: string;
  action: 'SetVariables' | 'ChangeConfiguration';
  /** The charger's answer: Accepted, RebootRequired, Rejected, ... */
  status: string;
  /** The new password, when Voltlane generated it (it is shown only once). */
  password?: string;
}

/**
 * Security profile 1 password rotation (A01; 1.6 security whitepaper): sends the new password to
 * the connected station and, once it accepted, stores its hash, so the station's next connection
 * must use it. Per OCPP the station itself reconnects with the new password; the open connection
 * stays until then.
 * @example const r = await rotation.rotate('CP1'); // { rotated: true, password: '...' }
 */
export class PasswordRotationService {
  constructor(
    private readonly ctx: CoreContext,
    private readonly stations: StationService,
    private readonly commands: CommandService,
  ) {}

  /** Rotates to `password`, or to a random 32-character one when it is not given. */
  async rotate(stationId: string, password?: string): Promise<PasswordRotation> {
    const station = await this.stations.get(stationId);
    if (!station.online || !station.ocppVersion) {
      throw new AppError('STATION_OFFLINE', `Station ${stationId} is not connected: a password can only be rotated while it is online`);
    }
    // Without a password the station runs security profile 0 and would not send the new one:
    // giving it a password is a profile upgrade (A05), not a rotation.
    if (!station.hasPassword) {
      throw new AppError('VALIDATION_FAILED', `Station ${stationId} has no password (security profile 0), so there is none to rotate: ` +
        `raise its security profile first, then set its password with PATCH /api/v1/stations/${stationId}`);
    }
    const generated = password === undefined;
    const newPassword = password ?? randomBytes(24).toString('base64url');
    if (!STATION_PASSWORD.test(newPassword)) {
      throw new AppError('VALIDATION_FAILED', 'A station password has 16 to 40 printable ASCII characters and no spaces', { field: 'password' });
    }
    const version = station.ocppVersion;
    const { action, status } = version === 'ocpp1.6' ? await this.send16(stationId, newPassword) : await this.send2x(stationId, newPassword);
    // RebootRequired: the charger stored it and uses it from its next start, which is also a new connection.
    const rotated = status === 'Accepted' || status === 'RebootRequired';
    if (rotated) await this.stations.update(stationId, { password: newPassword });
    this.ctx.log.info({ stationId, status, rotated }, 'station password rotation');
    return { rotated, ocppVersion: version, action, status, ...(generated && rotated ? { password: newPassword } : {}) };
  }

  private async send2x(stationId: string, password: string) {
    const component = { name: 'SecurityCtrlr' };
    const variable = { name: 'BasicAuthPassword' };
    const req: V201.SetVariablesRequest = { setVariableData: [{ component, variable, attributeValue: password }] };
    const res = (await this.commands.send(stationId, 'SetVariables', req as never)) as unknown as V201.SetVariablesResponse;
    const result = res.setVariableResult.find((r) => r.component.name === component.name && r.variable.name === variable.name);
    return { action: 'SetVariables' as const, status: result?.attributeStatus ?? 'Rejected' };
  }

  private async send16(stationId: string, password: string) {
    const req: V16.ChangeConfigurationRequest = { key: 'AuthorizationKey', value: password };
    const res = (await this.commands.send(stationId, 'ChangeConfiguration', req as never)) as unknown as V16.ChangeConfigurationResponse;
    return { action: 'ChangeConfiguration' as const, status: res.status };
  }
}
