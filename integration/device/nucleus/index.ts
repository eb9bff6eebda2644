/** The Greengrass nucleus stand-in (process mode): public surface for the demo and the end-to-end suites. */
export { startNucleus, Nucleus, NUCLEUS_SERVICE, type NucleusCredentials, type NucleusOptions, type NucleusStatus } from './nucleus.js';
export type { ConfigurationUpdate, DeploymentResult } from './configuration-deployment.js';
export { publishComponent, type PublishedComponent, type PublishOptions } from './deployment/publish.js';
export { DeploymentError } from './deployment/install-artifacts.js';
export type { ComponentState } from './lifecycle/component-runner.js';
export { IpcServer, type IpcServerOptions } from './ipc/ipc-server.js';
