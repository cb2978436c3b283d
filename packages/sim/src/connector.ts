import { socOf } from './meter.js';
import type { ConnectorStatus } from './types.js';

/** A transaction as the connector knows it. */
export interface Transaction {
  /** Real id from the CSMS, or a negative placeholder until the StartTransaction is answered. */
  id: number;
  idTag: string;
  /** Epoch ms of the StartTransaction timestamp. */
  startedAt: number;
  meterStart: number;
  reservationId?: number;
  /** EV state of charge when the transaction began, in percent. */
  socStart: number;
  /** Online start not yet answered by the CSMS (2.x: or not yet authorized): no power until it is. */
  pending: boolean;
  /** OCPP 2.x only: what the TransactionEvents of this transaction need. */
  v2?: Tx2;
}

/** The OCPP 2.x side of a transaction (the station chooses the id). */
export interface Tx2 {
  /** transactionId on the wire: a UUID. */
  uuid: string;
  /** seqNo of the next TransactionEvent. */
  seqNo: number;
  /** chargingState last reported. */
  chargingState: 'Charging' | 'EVConnected' | 'SuspendedEV' | 'SuspendedEVSE' | 'Idle';
  /** An idToken was accepted for it (a transaction started by the cable has none yet). */
  authorized: boolean;
  idTokenType: string;
  remoteStartId?: number;
}

/**
 * One connector's physical and logical state. A plain object on purpose: a load test holds
 * thousands of these.
 */
export interface Connector {
  readonly id: number;
  /** Status last reported (or that would have been reported while offline). */
  status: ConnectorStatus;
  /** An EV cable is plugged in. */
  plugged: boolean;
  /** A transaction ended and the cable is still in (status Finishing). */
  finishing: boolean;
  /** Availability set by ChangeAvailability; survives reboots. */
  operative: boolean;
  /** Energy register in Wh, kept fractional so that short intervals add up. */
  energyWh: number;
  /** Power being delivered now, in W. */
  powerW: number;
  /** Epoch ms up to which energyWh has been integrated. */
  meteredAt: number;
  tx: Transaction | undefined;
}

/**
 * A connector at rest, with a small random energy register as a used charger would have.
 * @example createConnector(1).status // -> 'Available'
 */
export function createConnector(id: number): Connector {
  return {
    id,
    status: 'Available',
    plugged: false,
    finishing: false,
    operative: true,
    energyWh: Math.floor(Math.random() * 1_000_000),
    powerW: 0,
    meteredAt: Date.now(),
    tx: undefined,
  };
}

/**
 * The status that follows from the connector's facts (1.6 section 4.9): a transaction outranks
 * a scheduled availability change, which is why ChangeAvailability can answer Scheduled.
 * @example statusOf({ ...createConnector(1), plugged: true }, true, false) // -> 'Preparing'
 */
export function statusOf(c: Connector, stationOperative: boolean, reserved: boolean): ConnectorStatus {
  if (c.tx) {
    if (c.tx.pending) return 'Preparing';
    if (c.powerW > 0) return 'Charging';
    // No power: the EV is full or gone, or a charging limit of 0 holds it back.
    return socOf(c) >= 100 || !c.plugged ? 'SuspendedEV' : 'SuspendedEVSE';
  }
  if (!c.operative || !stationOperative) return 'Unavailable';
  if (c.finishing && c.plugged) return 'Finishing';
  if (reserved) return 'Reserved';
  if (c.plugged) return 'Preparing';
  return 'Available';
}
