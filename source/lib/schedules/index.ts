export * from './credentials.js';
export * from './install.js';
export * from './model.js';
export * from './store.js';
export * from './units.js';
