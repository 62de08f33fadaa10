/**
 * File naming: the template the user writes, rendering it for one recording, making each path segment safe on every
 * supported file system, and resolving collisions inside a batch before anything is written.
 */
export * from './collisions.js';
export * from './sanitize.js';
export * from './template.js';
