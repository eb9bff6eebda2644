import { z } from 'zod';
import type { Logger } from '../../../../shared/logging/logger.js';
import type { IotMqtt } from '../../../../component/src/transport/iot-mqtt.js';
import type { ConfigTree } from '../config-store.js';
import type { ConfigurationUpdate, DeploymentResult } from '../configuration-deployment.js';
import type { ComponentRunner, ComponentState } from '../lifecycle/component-runner.js';
import { downloadComponent, type CloudEndpoint } from './cloud-components.js';
import { fleetStatusMessage, NUCLEUS_VERSION, type FleetStatusTrigger } from './fleet-status.js';
import { DeploymentError } from './install-artifacts.js';
import type { PublishedComponent } from './publish.js';
import { IotJobsDeployments, type DeploymentJob, type JobOutcome } from './iot-jobs-deployments.js';

const NUCLEUS_COMPONENT = 'aws.greengrass.Nucleus';

/** The deployment configuration the service sends as the job document (the nucleus's `Configuration`). */
const configurationSchema = z.looseObject({
  deploymentId: z.string(),
  configurationArn: z.string().optional(),
  components: z
    .record(
      z.string(),
      z.looseObject({
        version: z.string(),
        configurationUpdate: z
          .looseObject({ merge: z.record(z.string(), z.unknown()).optional(), reset: z.array(z.string()).optional() })
          .optional(),
      }),
    )
    .default({}),
  failureHandlingPolicy: z.enum(['ROLLBACK', 'DO_NOTHING']).default('ROLLBACK'),
  configurationValidationPolicy: z.looseObject({ timeout: z.number().optional() }).optional(),
});

/** What a cloud deployment needs of the nucleus. */
export interface DeployableNucleus {
  readonly component: PublishedComponent | undefined;
  readonly componentState: ComponentState;
  deployConfiguration(update: ConfigurationUpdate, validationTimeoutMs?: number): Promise<DeploymentResult>;
  replaceComponent(next: PublishedComponent, update: ConfigurationUpdate): Promise<ComponentRunner | undefined>;
}

/** How long a new component version may take to reach RUNNING before the deployment fails. */
const START_TIMEOUT_MS = 120_000;

const failed = (detailed: string, cause: string, errorStack: string[], errorTypes: string[]): JobOutcome => ({
  status: 'FAILED',
  statusDetails: {
    'detailed-deployment-status': detailed,
    'deployment-failure-cause': cause,
    'deployment-error-stack': JSON.stringify(errorStack),
    'deployment-error-types': JSON.stringify(errorTypes),
  },
});
const SUCCEEDED: JobOutcome = { status: 'SUCCEEDED', statusDetails: { 'detailed-deployment-status': 'SUCCESSFUL' } };

function started(runner: ComponentRunner): Promise<ComponentState> {
  return new Promise((resolve) => {
    const settled = ['RUNNING', 'FINISHED', 'BROKEN'];
    if (settled.includes(runner.state)) return resolve(runner.state);
    const timer = setTimeout(() => resolve(runner.state), START_TIMEOUT_MS);
    const off = runner.onStateChange((state) => {
      if (!settled.includes(state)) return;
      clearTimeout(timer);
      off();
      resolve(state);
    });
  });
}

const toUpdate = (spec: { configurationUpdate?: { merge?: ConfigTree; reset?: string[] } } | undefined): ConfigurationUpdate => ({
  ...(spec?.configurationUpdate?.merge ? { merge: spec.configurationUpdate.merge } : {}),
  ...(spec?.configurationUpdate?.reset ? { reset: spec.configurationUpdate.reset } : {}),
});

/**
 * The nucleus's deployment service for deployments from the cloud: takes each deployment job
 * (IotJobsDeployments), brings the component version it names (downloaded, digest checked),
 * asks the running component to validate a configuration change, starts a new version, and reports
 * the outcome with the nucleus's status details; then publishes the fleet status. One generic
 * component per core; `aws.greengrass.Nucleus` entries are accepted at this nucleus's version.
 */
export class CloudDeployments {
  private sequence = 0;
  private lastConfigurationArn: string | undefined;
  private mqtt: IotMqtt | undefined;

  constructor(
    private readonly nucleus: DeployableNucleus,
    private readonly options: { cloud: CloudEndpoint; thingName: string; root: string; logger: Logger },
  ) {}

  /** Listens for deployments on a new AWS IoT connection (each boot of the nucleus makes one). */
  async connect(mqtt: IotMqtt): Promise<void> {
    this.mqtt = mqtt;
    await new IotJobsDeployments(mqtt, this.options.thingName, (job) => this.run(job), this.options.logger).start();
    await this.publishStatus('NUCLEUS_LAUNCH');
  }

  private async run(job: DeploymentJob): Promise<JobOutcome> {
    const parsed = configurationSchema.safeParse(job.document);
    if (!parsed.success) {
      return failed(
        'FAILED_NO_STATE_CHANGE',
        `Unable to parse the deployment document: ${z.prettifyError(parsed.error)}`,
        ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_DOCUMENT_PARSE_ERROR'],
        ['REQUEST_ERROR'],
      );
    }
    const document = parsed.data;
    this.lastConfigurationArn = document.configurationArn;
    const outcome = await this.apply(document);
    await this.publishStatus('THING_GROUP_DEPLOYMENT');
    return outcome;
  }

  private async apply(document: z.infer<typeof configurationSchema>): Promise<JobOutcome> {
    const entries = Object.entries(document.components);
    const nucleusEntry = document.components[NUCLEUS_COMPONENT];
    if (nucleusEntry && nucleusEntry.version !== NUCLEUS_VERSION) {
      return failed(
        'FAILED_NO_STATE_CHANGE',
        `This core runs nucleus ${NUCLEUS_VERSION}; updating it to ${nucleusEntry.version} is not modelled`,
        ['DEPLOYMENT_FAILURE', 'NUCLEUS_VERSION_NOT_SUPPORTED'],
        ['REQUEST_ERROR'],
      );
    }
    if (nucleusEntry?.configurationUpdate) {
      this.options.logger.warn('The nucleus stand-in does not apply configuration to aws.greengrass.Nucleus from deployments', {
        configurationUpdate: nucleusEntry.configurationUpdate,
      });
    }
    const generic = entries.filter(([name]) => name !== NUCLEUS_COMPONENT);
    // Nothing to install on a core that has nothing yet (a group's baseline of nucleus settings).
    if (generic.length === 0 && this.nucleus.component === undefined) return SUCCEEDED;
    if (generic.length !== 1) {
      return failed(
        'FAILED_NO_STATE_CHANGE',
        `This core runs exactly one generic component; the deployment names ${generic.length}`,
        ['DEPLOYMENT_FAILURE', 'UNSUPPORTED_DEPLOYMENT'],
        ['REQUEST_ERROR'],
      );
    }
    const [[name, spec]] = generic as [[string, (typeof generic)[number][1]]];
    const update = toUpdate(spec);
    const current = this.nucleus.component;
    if (current?.name === name && current.version === spec.version) {
      const timeout = document.configurationValidationPolicy?.timeout;
      const result = await this.nucleus.deployConfiguration(update, timeout === undefined ? undefined : timeout * 1000);
      if (result.status === 'SUCCEEDED') return SUCCEEDED;
      return failed(
        'FAILED_NO_STATE_CHANGE',
        result.message,
        ['DEPLOYMENT_FAILURE', 'COMPONENT_CONFIGURATION_NOT_VALID'],
        ['COMPONENT_ERROR'],
      );
    }
    let next: PublishedComponent;
    let runner: ComponentRunner | undefined;
    try {
      next = await downloadComponent(this.options.cloud, this.options.root, { name, version: spec.version });
      runner = await this.nucleus.replaceComponent(next, update);
    } catch (error) {
      if (!(error instanceof DeploymentError)) throw error;
      return failed('FAILED_NO_STATE_CHANGE', error.message, ['DEPLOYMENT_FAILURE', 'ARTIFACT_DOWNLOAD_ERROR'], ['DEVICE_ERROR']);
    }
    if (!runner)
      return failed('FAILED_NO_STATE_CHANGE', 'The nucleus stopped during the deployment', ['DEPLOYMENT_FAILURE'], ['DEVICE_ERROR']);
    const state = await started(runner);
    if (state === 'RUNNING' || state === 'FINISHED') return SUCCEEDED;
    // The stand-in does not roll back: the new version stays installed, as with DO_NOTHING.
    const detailed = document.failureHandlingPolicy === 'DO_NOTHING' ? 'FAILED_ROLLBACK_NOT_REQUESTED' : 'FAILED_UNABLE_TO_ROLLBACK';
    const cause =
      state === 'BROKEN'
        ? `Service ${name} in broken state after deployment`
        : `Service ${name} did not start within ${START_TIMEOUT_MS / 1000} s (${state})`;
    return failed(detailed, cause, ['DEPLOYMENT_FAILURE', 'COMPONENT_UPDATE_ERROR', 'COMPONENT_BROKEN'], ['COMPONENT_ERROR']);
  }

  private async publishStatus(trigger: FleetStatusTrigger): Promise<void> {
    const component = this.nucleus.component;
    const message = fleetStatusMessage({
      thingName: this.options.thingName,
      sequenceNumber: ++this.sequence,
      trigger,
      ...(component
        ? {
            component: {
              name: component.name,
              version: component.version,
              state: this.nucleus.componentState,
              ...(this.lastConfigurationArn ? { fleetConfigArn: this.lastConfigurationArn } : {}),
            },
          }
        : {}),
    });
    await this.mqtt
      ?.publish(message.topic, message.payload, 0)
      .catch((error: Error) => this.options.logger.warn('Cannot publish the fleet status', { reason: error.message }));
  }
}
