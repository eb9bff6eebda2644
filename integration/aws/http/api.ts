import { actionRequest } from '../iam/operation-actions.js';
import type { AwsModel } from '../model/aws-model.js';
import type { PublishToBroker, TopicRulesPort } from './model-port.js';
import { awsJsonEndpoint } from './protocols/aws-json.js';
import { awsQueryEndpoint } from './protocols/aws-query.js';
import { restJsonEndpoint } from './protocols/rest-json.js';
import { type CallToAuthorize, type HttpServerOptions, startHttpServer } from './server.js';
import type { OperationRef } from './service-name.js';
import { privateCaOperations } from './services/acm-pca.js';
import { accountRoutes } from './services/iot-account.js';
import { componentRoutes } from './services/greengrass-components.js';
import { deploymentRoutes } from './services/greengrass-deployments.js';
import { certificateRoutes } from './services/iot-certificates.js';
import { dataPlaneRoutes } from './services/iot-data.js';
import { jobsDataPlaneRoutes } from './services/iot-jobs-data.js';
import { jobRoutes } from './services/iot-jobs.js';
import { policyRoutes } from './services/iot-policies.js';
import { ruleRoutes } from './services/iot-rules.js';
import { s3Endpoint } from './services/s3.js';
import { thingRoutes } from './services/iot-things.js';
import { snsOperations } from './services/sns.js';

export interface HttpApiDeps extends HttpServerOptions {
  model: AwsModel;
  /** The topic-rule operations' rules engine. */
  rules: TopicRulesPort;
  /** Where data-plane Publish goes; default the model's message bus (which the broker serves). */
  publish?: PublishToBroker;
}

export interface HttpApi {
  /** `https://127.0.0.1:<port>`: the `endpoint` of every SDK client, whatever the service. */
  endpoint: string;
  /** `127.0.0.1:<port>`: what DescribeEndpoint answers, for clients to build `https://<address>` from. */
  address: string;
  /** The root certificate the server's TLS certificate chains to; clients trust it to connect. */
  caCertificatePem: string;
  /**
   * The next `count` calls of `operation` (e.g. `iot:ListThingPrincipalsV2`,
   * `iot-jobs-data:DescribeJobExecution`, `sns:Publish`) fail with the service's throttling
   * error and change nothing. SDK clients retry throttling themselves (3 attempts by default).
   */
  throttleNext(operation: OperationRef, count: number): void;
  /** Throttling faults not yet consumed, per operation. */
  pendingFaults(): Readonly<Record<string, number>>;
  close(): Promise<void>;
}

const SNS_XML_NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';

/**
 * Starts the HTTP side of the stand-in: AWS IoT (control plane, data plane, Jobs data plane),
 * AWS Private CA, SNS, Greengrass V2 and the S3 calls of component publishing on one HTTPS port,
 * for the real AWS SDK v3 clients pointed at it with an endpoint override. The TLS certificate is
 * for 127.0.0.1 and localhost, signed by the stand-in's root (the one devices trust for MQTT).
 * Signatures are accepted unverified.
 */
export async function startHttpApi(deps: HttpApiDeps): Promise<HttpApi> {
  const { model } = deps;
  const tls = await model.authorities.issueServerCredentials();
  const now = (): number => model.clock.now();
  const publish: PublishToBroker = deps.publish ?? ((topic, payload, qos) => model.messages.publish(topic, payload, qos));
  const server = await startHttpServer(
    (self) => ({
      iot: restJsonEndpoint([
        ...accountRoutes(model.eventConfigurations, self),
        ...certificateRoutes(model.registry),
        ...thingRoutes(model.registry),
        ...policyRoutes(model.registry),
        ...jobRoutes({ jobs: model.jobs, jobTemplates: model.jobTemplates, now }),
        ...ruleRoutes(deps.rules),
      ]),
      'iot-data': restJsonEndpoint(dataPlaneRoutes(model.shadows, publish)),
      'iot-jobs-data': restJsonEndpoint(jobsDataPlaneRoutes({ deviceJobs: model.deviceJobs, now })),
      'acm-pca': awsJsonEndpoint('ACMPrivateCA', privateCaOperations(model.privateCa)),
      sns: awsQueryEndpoint(SNS_XML_NAMESPACE, snsOperations(model.sns)),
      greengrass: restJsonEndpoint([...componentRoutes(model.greengrass.components), ...deploymentRoutes(model.greengrass, model)]),
      s3: s3Endpoint(model.s3),
    }),
    tls,
    { ...deps, authorize: (call) => authorize(model, call) },
  );
  return {
    endpoint: server.endpoint,
    address: server.address,
    caCertificatePem: model.authorities.serverRoot.certificatePem,
    throttleNext: (operation, count) => server.faults.throttleNext(operation, count),
    pendingFaults: () => server.faults.pending(),
    close: () => server.close(),
  };
}

/**
 * IAM at the front door: a request signed with a role session's key (a Lambda function's) is
 * checked against the role; the account's administrator is not. Every call arrives over TLS.
 */
function authorize(model: AwsModel, call: CallToAuthorize): void {
  const session = call.accessKeyId === undefined ? undefined : model.iam.sessionOf(call.accessKeyId);
  if (!session) return;
  const { action, resources } = actionRequest(call.service, call.operation, call.params, model);
  model.iam.authorize(session, { action, resources, secureTransport: true });
}
