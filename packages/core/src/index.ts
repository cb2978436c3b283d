/** The CSMS core: functional-block modules, configuration, errors and live events. */
export * from './config.js';
export * from './context.js';
export * from './core.js';
export * from './errors.js';
export * from './events.js';
export * from './registry.js';
export * from './batcher.js';
export { hashPassword, verifyPassword, sha256 } from './passwords.js';
export type { Station, Connector, RegistrationStatus } from './modules/stations/repository.js';
export type { StationDetail } from './modules/stations/service.js';
export type { IdToken, IdTokenStatus } from './modules/authorization/repository.js';
export type { Transaction, StoredSample } from './modules/transactions/repository.js';
export type { Reservation } from './modules/reservations/service.js';
export type { StoredFile, FileKind } from './modules/firmware/service.js';
export type { VendorHook, DataTransferStatus } from './modules/data-transfer/service.js';
export * from './modules/security/index.js';
export type { StoredTariff, TariffAssignment } from './modules/tariffs/repository.js';
export type { TransactionCost } from './modules/tariffs/service.js';
