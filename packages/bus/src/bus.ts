/**
 * The transport between Voltlane roles. All-in-one runs use {@link LocalBus} (plain function calls);
 * cluster mode will put RabbitMQ behind the same interface.
 */
import type { OcppVersion } from '@voltlane/ocpp';

/** A CALL a station sent, already parsed and schema-checked by the gateway. */
export interface StationCall {
  stationId: string;
  version: OcppVersion;
  action: string;
  payload: Record<string, unknown>;
  messageId: string;
  receivedAt: Date;
}

/** A station's connection changed. */
export interface ConnectionEvent {
  type: 'connected' | 'disconnected';
  stationId: string;
  version: OcppVersion;
  at: Date;
  remoteAddress?: string;
  reason?: string;
  /** Cluster mode: node id of the gateway that holds (or held) the socket; set by the bus. */
  gateway?: string;
}

/** A command for a station, sent from the API side to whichever gateway holds its socket. */
export interface StationCommand {
  stationId: string;
  action: string;
  payload: Record<string, unknown>;
  timeoutMs: number;
}

export type StationCallHandler = (call: StationCall) => Promise<unknown>;
export type CommandHandler = (cmd: StationCommand) => Promise<Record<string, unknown>>;
export type ConnectionHandler = (event: ConnectionEvent) => Promise<void>;

export interface Bus {
  /** Gateway -> core: a station's CALL; resolves with the response payload (or throws an RpcError). */
  stationCall(call: StationCall): Promise<unknown>;
  onStationCall(handler: StationCallHandler): void;
  /** Gateway -> core: connection lifecycle. */
  connection(event: ConnectionEvent): Promise<void>;
  onConnection(handler: ConnectionHandler): void;
  /** API -> gateway: send a command and resolve with the charger's reply. */
  command(cmd: StationCommand): Promise<Record<string, unknown>>;
  onCommand(handler: CommandHandler): void;
}

/** The station has no open connection on any gateway. */
export class StationOfflineError extends Error {
  constructor(readonly stationId: string) {
    super(`Station ${stationId} is not connected`);
    this.name = 'StationOfflineError';
  }
}

/** Thrown when a bus message has no handler yet (e.g. a role is not started). */
export class NoHandlerError extends Error {}

/**
 * In-process bus: each message goes straight to the one registered handler.
 * @example const bus = new LocalBus(); bus.onCommand(gateway.sendCommand);
 */
export class LocalBus implements Bus {
  private callHandler?: StationCallHandler;
  private commandHandler?: CommandHandler;
  private connectionHandlers: ConnectionHandler[] = [];

  stationCall(call: StationCall): Promise<unknown> {
    if (!this.callHandler) return Promise.reject(new NoHandlerError('no station call handler'));
    return this.callHandler(call);
  }
  onStationCall(handler: StationCallHandler): void {
    this.callHandler = handler;
  }
  async connection(event: ConnectionEvent): Promise<void> {
    for (const h of this.connectionHandlers) await h(event);
  }
  onConnection(handler: ConnectionHandler): void {
    this.connectionHandlers.push(handler);
  }
  command(cmd: StationCommand): Promise<Record<string, unknown>> {
    if (!this.commandHandler) return Promise.reject(new NoHandlerError('no gateway registered'));
    return this.commandHandler(cmd);
  }
  onCommand(handler: CommandHandler): void {
    this.commandHandler = handler;
  }
}
