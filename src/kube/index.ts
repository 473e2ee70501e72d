export * from './kube-client.js';
export * from './kube-config.js';
export * from './kube-error.js';
export * from './kube-object.js';
export * from './micro-time.js';
export * from './resource-types.js';
