/**
 * The transport between Voltlane roles: {@link LocalBus} (plain function calls) for all-in-one runs,
 * {@link AmqpBus} (RabbitMQ) for cluster mode. Both implement {@link Bus}.
 */
export * from './bus.js';
export { AmqpBus, type AmqpBusOptions, type BusLogger } from './amqp/amqp-bus.js';
export { shardOf } from './amqp/wire.js';
