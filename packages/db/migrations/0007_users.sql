-- Users of the web app and API (issue 5). Roles: admin, operator (stations and sessions), driver
-- (a driver/member sees only their own id tokens and sessions).
create table users (
  id bigserial primary key,
  email text not null,
  name text,
  role text not null check (role in ('admin', 'operator', 'driver')),
  password_hash text,                          -- scrypt, self-describing (algorithm, parameters, salt, hash)
  locale text not null default 'en',
  disabled boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index users_email_key on users (lower(email));

-- Login sessions: the cookie holds a random secret, only its SHA-256 is stored.
create table user_sessions (
  id_hash text primary key,
  user_id bigint not null references users(id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  last_seen_at timestamptz not null default now(),
  user_agent text
);
create index user_sessions_user on user_sessions (user_id);

-- Per-user API tokens (Authorization: Bearer), stored as SHA-256; `prefix` lets a user recognise one.
create table api_tokens (
  id bigserial primary key,
  user_id bigint not null references users(id) on delete cascade,
  name text not null,
  token_hash text not null unique,
  prefix text not null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  expires_at timestamptz
);
create index api_tokens_user on api_tokens (user_id);

-- A driver owns id tokens; their sessions are the transactions started with them.
alter table id_tokens add column user_id bigint references users(id) on delete set null;
create index id_tokens_user on id_tokens (user_id);
