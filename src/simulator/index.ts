// Runtime-agnostic on purpose: nothing here touches Node. The Node server lives in serve.ts.
export { SIMULATOR_TOKEN } from './bearer.ts';
export type { Fault, FaultRoute } from './fault.ts';
export { FIXTURE_TASK_ID } from './fixture.ts';
export type { TaskInit, TaskOutcome } from './sim-task.ts';
export {
  createSimulator,
  type SimulatedRequest,
  type Simulator,
  type SimulatorOptions,
} from './simulator.ts';
export { SimulatorReset } from './simulator-reset.ts';
