-- Cluster mode (ADR 0007): which nodes are alive, which worker consumes which shard queue, and
-- which gateway holds each station's socket.

-- Every cluster node heartbeats here; a node whose heartbeat is older than the lease time is dead.
-- `cluster` is the bus prefix (VOLTLANE_BUS_PREFIX), so clusters sharing a database stay apart.
create table cluster_nodes (
  cluster text not null,
  node_id text not null,
  role text not null,                          -- gateway | worker | api
  started_at timestamptz not null default now(),
  heartbeat_at timestamptz not null default now(),
  primary key (cluster, node_id)
);

-- One row per shard queue: the worker allowed to consume it until `expires_at` (null owner: free).
create table shard_leases (
  cluster text not null,
  shard integer not null,
  owner text,
  expires_at timestamptz,
  primary key (cluster, shard)
);

-- The gateway node holding the station's socket (null in all-in-one mode): a late "disconnected"
-- from a gateway the station already left changes nothing, and a dead gateway's stations go offline.
alter table stations add column gateway_node text;
create index stations_online_gateway on stations (gateway_node) where online;
