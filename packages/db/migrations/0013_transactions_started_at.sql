-- Sessions lists and exports filter and page by start time (GET /transactions?from&to, the console's
-- date filter, exports by period); without this index such a filter scans every session.
create index transactions_started_at on transactions (started_at desc, id desc);
