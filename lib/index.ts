// Public API: every construct, stack and props type, for use in your own CDK app.
export * from './network/network';
export * from './network/network-props';
export * from './network/network-stack';
export * from './reference-stage';
export * from './shared/compliance';
export * from './shared/encrypted-log-group';
export * from './shared/removal';
export * from './shared/stage-config';
export * from './shared/validation';
export * from './fan-out/fan-out';
export * from './fan-out/fan-out-props';
export * from './fan-out/fan-out-stack';
export * from './fan-out/filter-policy';
export * from './fan-out/subscriber-queue';
export * from './shared/alarms';
export * from './shared/hardened-function';
export * from './shared/managed-policy-role';
