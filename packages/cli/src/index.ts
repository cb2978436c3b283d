/** Composition of the all-in-one process, for the CLI and integration tests. */
export * from './app.js';
