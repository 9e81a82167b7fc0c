// The System backend's public surface: the service layer imports from here, not from the
// platform files behind it.

export { SystemMonitor, type LifecycleEvent, type SystemMonitorOptions } from './monitor';
export { probeProcesses, type ProbeSample, type ProbedThread } from './probe';
export type { PlatformSampler } from './sampler';
