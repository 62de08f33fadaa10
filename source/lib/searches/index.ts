export * from './date-rules.js';
export * from './mode.js';
export * from './model.js';
export * from './store.js';
