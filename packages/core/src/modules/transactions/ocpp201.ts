import type { HandlerRegistry } from '../../registry.js';
import type { TransactionService } from './service.js';

/** OCPP 2.0.1/2.1 transactions (E) and meter values (J). */
export function registerTransactions201(_reg: HandlerRegistry, _txs: TransactionService): void {}
