import type { ErrorObject, ValidateFunction } from 'ajv';
import type { RpcErrorCode, ValidationIssue } from './errors.js';
import type { Initiator, OcppVersion } from './versions.js';
import * as v16 from './generated/v16/validators.js';
import * as v201 from './generated/v201/validators.js';
import * as v21 from './generated/v21/validators.js';
import { ACTIONS as V16_ACTIONS } from './generated/v16/types.js';
import { ACTIONS as V201_ACTIONS } from './generated/v201/types.js';
import { ACTIONS as V21_ACTIONS } from './generated/v21/types.js';

/**
 * Actions a charge point initiates, per version (from the specifications' message lists);
 * every other action of the version is initiated by the CSMS, and DataTransfer goes both ways.
 */
const CHARGE_POINT_INITIATED: Record<OcppVersion, readonly string[]> = {
  'ocpp1.6': [
    'Authorize', 'BootNotification', 'DataTransfer', 'DiagnosticsStatusNotification',
    'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'StartTransaction', 'StatusNotification',
    'StopTransaction',
    // OCPP 1.6 Security Whitepaper (edition 3)
    'LogStatusNotification', 'SecurityEventNotification', 'SignCertificate', 'SignedFirmwareStatusNotification',
  ],
  'ocpp2.0.1': [
    'Authorize', 'BootNotification', 'ClearedChargingLimit', 'DataTransfer', 'FirmwareStatusNotification',
    'Get15118EVCertificate', 'GetCertificateStatus', 'Heartbeat', 'LogStatusNotification', 'MeterValues',
    'NotifyChargingLimit', 'NotifyCustomerInformation', 'NotifyDisplayMessages', 'NotifyEVChargingNeeds',
    'NotifyEVChargingSchedule', 'NotifyEvent', 'NotifyMonitoringReport', 'NotifyReport',
    'PublishFirmwareStatusNotification', 'ReportChargingProfiles', 'ReservationStatusUpdate',
    'SecurityEventNotification', 'SignCertificate', 'StatusNotification', 'TransactionEvent',
  ],
  'ocpp2.1': [
    'Authorize', 'BatterySwap', 'BootNotification', 'ClearedChargingLimit', 'DataTransfer',
    'FirmwareStatusNotification', 'Get15118EVCertificate', 'GetCertificateChainStatus', 'GetCertificateStatus',
    'Heartbeat', 'LogStatusNotification', 'MeterValues', 'NotifyAllowedEnergyTransfer', 'NotifyChargingLimit',
    'NotifyCustomerInformation', 'NotifyDERAlarm', 'NotifyDERStartStop', 'NotifyDisplayMessages',
    'NotifyEVChargingNeeds', 'NotifyEVChargingSchedule', 'NotifyEvent', 'NotifyMonitoringReport',
    'NotifyPeriodicEventStream', 'NotifyPriorityCharging', 'NotifyQRCodeScanned', 'NotifyReport',
    'NotifySettlement', 'NotifyWebPaymentStarted', 'PublishFirmwareStatusNotification', 'PullDynamicScheduleUpdate',
    'ReportChargingProfiles', 'ReportDERControl', 'ReservationStatusUpdate', 'SecurityEventNotification',
    'SignCertificate', 'StatusNotification', 'TransactionEvent', 'VatNumberValidation',
  ],
};

type ValidatorModule = Record<string, ValidateFunction>;

const SOURCES: Record<OcppVersion, { actions: readonly string[]; validators: ValidatorModule }> = {
  'ocpp1.6': { actions: V16_ACTIONS, validators: v16 as unknown as ValidatorModule },
  'ocpp2.0.1': { actions: V201_ACTIONS, validators: v201 as unknown as ValidatorModule },
  'ocpp2.1': { actions: V21_ACTIONS, validators: v21 as unknown as ValidatorModule },
};

/** JSON-schema keyword -> the RPC error code OCPP-J prescribes for that kind of violation. */
const KEYWORD_CODES: Record<string, RpcErrorCode> = {
  type: 'TypeConstraintViolation',
  required: 'OccurrenceConstraintViolation',
  minItems: 'OccurrenceConstraintViolation',
  maxItems: 'OccurrenceConstraintViolation',
  additionalProperties: 'FormatViolation',
  enum: 'PropertyConstraintViolation',
  const: 'PropertyConstraintViolation',
  maxLength: 'PropertyConstraintViolation',
  minLength: 'PropertyConstraintViolation',
  maximum: 'PropertyConstraintViolation',
  minimum: 'PropertyConstraintViolation',
  exclusiveMaximum: 'PropertyConstraintViolation',
  exclusiveMinimum: 'PropertyConstraintViolation',
  multipleOf: 'PropertyConstraintViolation',
  pattern: 'PropertyConstraintViolation',
  format: 'PropertyConstraintViolation',
};

/** Turns the first ajv error into an issue that names the field. */
export function toIssue(err: ErrorObject): ValidationIssue {
  let path = err.instancePath;
  let message = err.message ?? 'is invalid';
  if (err.keyword === 'required') path += `/${(err.params as { missingProperty: string }).missingProperty}`;
  if (err.keyword === 'additionalProperties') {
    path += `/${(err.params as { additionalProperty: string }).additionalProperty}`;
    message = 'is not allowed by the schema';
  } else if (err.keyword === 'required') {
    message = 'is required';
  } else if (err.keyword === 'enum') {
    message = `must be one of ${(err.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  }
  const field = path === '' ? 'payload' : path.slice(1).replaceAll('/', '.');
  return { code: KEYWORD_CODES[err.keyword] ?? 'FormatViolation', path, message: `${field} ${message}` };
}

/**
 * The message catalogue of one OCPP version: which actions exist, who initiates them, and
 * validators generated from the official JSON schemas.
 * @example schemasFor('ocpp1.6').validateRequest('Heartbeat', {}) // -> null
 */
export class VersionSchemas {
  private readonly actionSet: Set<string>;
  private readonly cpInitiated: Set<string>;

  constructor(readonly version: OcppVersion) {
    this.actionSet = new Set(SOURCES[version].actions);
    this.cpInitiated = new Set(CHARGE_POINT_INITIATED[version]);
  }

  /** Every action of this version. */
  get actions(): readonly string[] {
    return SOURCES[this.version].actions;
  }

  hasAction(action: string): boolean {
    return this.actionSet.has(action);
  }

  /** Whether `initiator` may send `action` as a CALL. */
  initiatedBy(action: string, initiator: Initiator): boolean {
    if (!this.actionSet.has(action)) return false;
    if (action === 'DataTransfer') return true;
    return this.cpInitiated.has(action) === (initiator === 'chargePoint');
  }

  /** Actions the CSMS sends to stations. */
  csmsActions(): string[] {
    return this.actions.filter((a) => this.initiatedBy(a, 'csms'));
  }

  validateRequest(action: string, payload: unknown): ValidationIssue | null {
    return this.run(`${action}_request`, payload);
  }

  validateResponse(action: string, payload: unknown): ValidationIssue | null {
    return this.run(`${action}_response`, payload);
  }

  private run(key: string, payload: unknown): ValidationIssue | null {
    const fn = SOURCES[this.version].validators[key];
    if (!fn) return { code: 'NotImplemented', path: '', message: `no schema for ${key}` };
    if (fn(payload)) return null;
    const first = fn.errors?.[0];
    return first ? toIssue(first) : { code: 'FormatViolation', path: '', message: 'payload is invalid' };
  }
}

const cache = new Map<OcppVersion, VersionSchemas>();

/** The (cached) catalogue for a version. */
export function schemasFor(version: OcppVersion): VersionSchemas {
  let s = cache.get(version);
  if (!s) cache.set(version, (s = new VersionSchemas(version)));
  return s;
}
