import { RpcError } from '@voltlane/ocpp';
import type { ConnectionEvent, StationCall } from '@voltlane/bus';
import type { CoreContext } from './context.js';
import { HandlerRegistry } from './registry.js';
import { StationService } from './modules/stations/service.js';
import { registerStations16 } from './modules/stations/ocpp16.js';
import { registerStations201 } from './modules/stations/ocpp201.js';
import { AuthorizationService } from './modules/authorization/service.js';
import { registerAuthorization16 } from './modules/authorization/ocpp16.js';
import { registerAuthorization201 } from './modules/authorization/ocpp201.js';
import { TransactionService } from './modules/transactions/service.js';
import { TariffService } from './modules/tariffs/service.js';
import { registerTransactions16 } from './modules/transactions/ocpp16.js';
import { registerTransactions201 } from './modules/transactions/ocpp201.js';
import { ReservationService } from './modules/reservations/service.js';
import { LocalListService } from './modules/local-list/service.js';
import { SmartChargingService } from './modules/smart-charging/service.js';
import { ConfigurationService } from './modules/configuration/service.js';
import { FirmwareService } from './modules/firmware/service.js';
import { DataTransferService } from './modules/data-transfer/service.js';
import { InspectorService } from './modules/inspector/service.js';
import { CommandService } from './modules/commands/service.js';
import { DeviceModelService } from './modules/device-model/service.js';
import { DisplayMessageService } from './modules/display-messages/service.js';
import { MonitoringService } from './modules/monitoring/service.js';
import { PasswordRotationService } from './modules/stations/password-rotation.js';
import { SecurityService } from './modules/security/service.js';
import { DriverService, UserService } from './modules/users/index.js';
import { LocationService } from './modules/locations/index.js';
import { CdrService } from './modules/cdrs/service.js';
import { InvoiceService } from './modules/invoices/service.js';
import { PaymentService } from './modules/payments/service.js';
import { ExportService } from './modules/exports/service.js';
import { SearchService } from './modules/search/service.js';

/**
 * The CSMS core: one service per functional block, wired to the bus. Station CALLs arrive as
 * bus messages; each is handled by the module that declared it. Cluster gateways and API nodes
 * pass `consumeBus: false`: only workers (and the all-in-one process) handle station messages.
 * @example const core = createCore(ctx); await core.start();
 */
export function createCore(ctx: CoreContext, opts: { consumeBus?: boolean } = {}) {
  const registry = new HandlerRegistry();
  const stations = new StationService(ctx);
  const authorization = new AuthorizationService(ctx);
  const reservations = new ReservationService(ctx);
  const tariffs = new TariffService(ctx);
  const transactions = new TransactionService(ctx, authorization, reservations, tariffs);
  const localList = new LocalListService(ctx);
  const smartCharging = new SmartChargingService(ctx);
  const configuration = new ConfigurationService(ctx);
  const firmware = new FirmwareService(ctx);
  const dataTransfer = new DataTransferService(ctx);
  const inspector = new InspectorService(ctx);
  const commands = new CommandService(ctx, registry);
  const deviceModel = new DeviceModelService(ctx);
  const displayMessages = new DisplayMessageService(ctx);
  const monitoring = new MonitoringService(ctx);
  const passwordRotation = new PasswordRotationService(ctx, stations, commands);
  const security = new SecurityService(ctx);
  const users = new UserService(ctx);
  const locations = new LocationService(ctx);
  const driver = new DriverService(ctx, { authorization, commands, tariffs });
  const cdrs = new CdrService(ctx);
  const invoices = new InvoiceService(ctx);
  const payments = new PaymentService(ctx, invoices);
  const exportJobs = new ExportService(ctx);
  const search = new SearchService(ctx);
  // One CDR per completed transaction, made before the station's stop is answered.
  transactions.onCompleted((tx) => cdrs.completionWrite(tx));

  registerStations16(registry, stations);
  registerStations201(registry, stations);
  registerAuthorization16(registry, authorization);
  registerTransactions16(registry, transactions);
  reservations.register16(registry);
  localList.register16(registry);
  smartCharging.register16(registry);
  configuration.register16(registry);
  firmware.register16(registry);
  dataTransfer.register16(registry);
  security.register16(registry);

  tariffs.useCommands(commands);
  registerAuthorization201(registry, authorization, tariffs, (stationId, c) => security.certificates.contractStatus(stationId, c));
  registerTransactions201(registry, transactions, tariffs);
  for (const m of [reservations, localList, smartCharging, configuration, firmware, dataTransfer, displayMessages, deviceModel, monitoring, security]) m.register201(registry);

  async function handleStationCall(call: StationCall): Promise<unknown> {
    const handler = registry.handler(call.version, call.action);
    if (!handler) throw new RpcError('NotSupported', `${call.action} is not supported by this CSMS yet`);
    if (call.action !== 'BootNotification') await stations.assertAccepted(call.stationId, call.action);
    return handler(
      { stationId: call.stationId, version: call.version, messageId: call.messageId, receivedAt: call.receivedAt },
      call.payload as never,
    );
  }

  async function handleConnection(e: ConnectionEvent): Promise<void> {
    if (e.type === 'connected') await stations.connected(e.stationId, e.version, e.at, e.gateway);
    else await stations.disconnected(e.stationId, e.at, e.reason, e.gateway);
  }

  if (opts.consumeBus ?? true) {
    ctx.bus.onStationCall(handleStationCall);
    ctx.bus.onConnection(handleConnection);
  }

  return {
    ctx, registry, stations, authorization, reservations, transactions, tariffs, localList, smartCharging, configuration,
    firmware, dataTransfer, displayMessages, inspector, commands, deviceModel, security, monitoring, passwordRotation, users, driver, locations,
    cdrs, invoices, payments, exports: exportJobs, search,
    async start(): Promise<void> {
      await stations.resetOnline();
      reservations.startSweeper();
      await exportJobs.start();
    },
    async stop(): Promise<void> {
      reservations.stopSweeper();
      await exportJobs.stop();
      await transactions.flush();
      await inspector.flush();
    },
  };
}

export type Core = ReturnType<typeof createCore>;
