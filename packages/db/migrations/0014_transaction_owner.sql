-- The customer (id_tokens.user_id) and partner (id_tokens.parent_id_token) of a session, kept on
-- the session row (ADR 0014). Exports and filters then read one table instead of joining id_tokens
-- case-insensitively for every row (the 10M-session CSV export was bound by that join and the sort
-- it forced). Like CDRs, a session keeps the owner it had: set when its id token becomes known,
-- followed while the session is active, frozen once it is completed.
alter table transactions add column user_id bigint;
alter table transactions add column id_token_group text;

update transactions t set user_id = k.user_id, id_token_group = k.parent_id_token
  from id_tokens k
  where lower(k.id_token) = lower(t.id_token) and (k.user_id is not null or k.parent_id_token is not null);

create index transactions_user on transactions (user_id, started_at) where user_id is not null;
create index transactions_group on transactions (lower(id_token_group), started_at) where id_token_group is not null;

-- A session's id token is set on insert (1.6 StartTransaction) or later (a 2.x event naming it).
-- An insert that names the owner itself (an import) keeps it.
create function transactions_owner() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' and (new.user_id is not null or new.id_token_group is not null) then
    return new;
  elsif new.id_token is null then
    new.user_id := null;
    new.id_token_group := null;
  else
    select k.user_id, k.parent_id_token into new.user_id, new.id_token_group
      from id_tokens k where lower(k.id_token) = lower(new.id_token) limit 1;
  end if;
  return new;
end $$;
create trigger transactions_owner_on_insert before insert on transactions
  for each row execute function transactions_owner();
create trigger transactions_owner_on_token before update of id_token on transactions
  for each row when (old.id_token is distinct from new.id_token) execute function transactions_owner();

-- A token given an owner or group (or moved) while its session runs: the running session follows.
create function id_tokens_owner_to_active() returns trigger language plpgsql as $$
begin
  update transactions t set user_id = new.user_id, id_token_group = new.parent_id_token
    where t.status = 'active' and lower(t.id_token) = lower(new.id_token)
      and (t.user_id is distinct from new.user_id or t.id_token_group is distinct from new.parent_id_token);
  return null;
end $$;
create trigger id_tokens_owner_to_active after insert or update of user_id, parent_id_token on id_tokens
  for each row execute function id_tokens_owner_to_active();

analyze transactions;
