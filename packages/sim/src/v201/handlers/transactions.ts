import type { Handlers201 } from './index.js';

/** E Transactions and I Tariff and cost (2.0.1). */
export const transactions: Handlers201<'GetTransactionStatus' | 'CostUpdated'> = {
  GetTransactionStatus(o, req) {
    if (req.transactionId === undefined) return { messagesInQueue: o.tx.queued() };
    return { ongoingIndicator: o.byTransaction(req.transactionId) !== undefined, messagesInQueue: o.tx.queued(req.transactionId) };
  },

  CostUpdated(o, req) {
    // A display would show it; the response has no status (2.0.1 I02).
    o.st.log(`cost of transaction ${req.transactionId}: ${req.totalCost}`);
    return {};
  },
};
