-- Failed logins per client address and email, counted in the database so every API node of a
-- cluster sees the same count (was each process's memory). One row per key and window; a key
-- whose window has passed starts again at its next failure.
create table login_failures (
  key text primary key,                   -- "<client address>|<lower-case email>"
  failures integer not null,
  window_start timestamptz not null
);
create index login_failures_window on login_failures (window_start);
