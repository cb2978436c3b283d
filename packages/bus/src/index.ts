/**
 * The transport between Voltlane roles: {@link LocalBus} (plain function calls) for all-in-one runs,
 * {@link AmqpBus} (RabbitMQ) for cluster mode. Both implement {@link Bus}. Cluster workers share
 * the shard queues through leases in PostgreSQL ({@link ShardCoordinator}).
 */
export * from './bus.js';
export {
  AmqpBus, type AmqpBusOptions, type BusLogger, type GatewayQuery, type GatewayQueryHandler, type RelayedEventHandler,
} from './amqp/amqp-bus.js';
export { shardOf } from './amqp/wire.js';
export * from './leases.js';
