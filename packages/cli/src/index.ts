/** Composition of the all-in-one process, for the CLI and integration tests. */
export * from './app.js';
export { CLUSTER_ROLES, loadClusterSettings, startClusterNode, type ClusterRole, type ClusterSettings, type VoltlaneNode } from './cluster.js';
export { runUsersCli, USERS_USAGE } from './users.js';
