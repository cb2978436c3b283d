import type { Logger } from 'pino';
import type { Db } from '@voltlane/db';
import type { Bus } from '@voltlane/bus';
import type { OcppVersion } from '@voltlane/ocpp';
import type { VoltlaneConfig } from './config.js';
import type { LiveEvents } from './events.js';

export type { Logger } from 'pino';

/** What every module gets: storage, logging, configuration, the bus and the live event hub. */
export interface CoreContext {
  db: Db;
  log: Logger;
  config: VoltlaneConfig;
  bus: Bus;
  events: LiveEvents;
}

/** The station-side facts of one incoming CALL. */
export interface CallContext {
  stationId: string;
  version: OcppVersion;
  messageId: string;
  receivedAt: Date;
}
