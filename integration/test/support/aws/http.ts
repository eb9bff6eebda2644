import * as x509 from '../../../aws/model/ca/x509.js';
import { AwsError, notFound } from '../../../aws/model/errors.js';
import { AwsModel, type AwsModelOptions } from '../../../aws/model/aws-model.js';
import { cryptoProvider, generateKeyPair } from '../../../aws/model/ca/keys.js';
import { type HttpApi, startHttpApi } from '../../../aws/http/api.js';
import { sdkClientConfig, type SdkClientConfig } from '../../../aws/http/client-config.js';
import type { TopicRulesPort, TopicRuleView } from '../../../aws/http/model-port.js';
import type { ApiRateLimits } from '../../../aws/http/rate-limits.js';

/** Shared by the HTTP API tests: a real model behind the real server, and SDK client settings. */
export interface ApiFixture {
  model: AwsModel;
  api: HttpApi;
  rules: Map<string, TopicRuleView>;
  published: { topic: string; payload: string; qos: 0 | 1 }[];
  /** Spread into any SDK client's constructor. */
  clientConfig: SdkClientConfig;
  close(): Promise<void>;
}

/** An in-memory rules engine stand-in: the topic-rule operations only need a registry of rules. */
function fakeRules(rules: Map<string, TopicRuleView>, now: () => number): TopicRulesPort {
  const get = (name: string): TopicRuleView => {
    const rule = rules.get(name);
    if (!rule) throw notFound(`Rule ${name} does not exist`);
    return rule;
  };
  return {
    createTopicRule: (ruleName, payload) => {
      if (rules.has(ruleName)) throw new AwsError('ResourceAlreadyExistsException', `Rule ${ruleName} already exists`);
      rules.set(ruleName, { ...payload, ruleName, ruleArn: `arn:aws:iot:us-east-1:123456789012:rule/${ruleName}`, createdAt: now() });
    },
    getTopicRule: get,
    enableTopicRule: (name) => void (get(name).ruleDisabled = false),
    disableTopicRule: (name) => void (get(name).ruleDisabled = true),
  };
}

export async function startApiFixture(options: AwsModelOptions & { rateLimits?: ApiRateLimits } = {}): Promise<ApiFixture> {
  const model = await AwsModel.create({ pcaIssuanceDelayMs: 0, detachPropagationDelayMs: 0, ...options });
  const rules = new Map<string, TopicRuleView>();
  const published: ApiFixture['published'] = [];
  const api = await startHttpApi({
    model,
    rules: fakeRules(rules, () => model.clock.now()),
    publish: (topic, payload, qos) => void published.push({ topic, payload: payload.toString('utf8'), qos }),
    ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
  });
  return {
    model,
    api,
    rules,
    published,
    clientConfig: sdkClientConfig({ region: model.region, endpoint: api.endpoint, caCertificatePem: api.caCertificatePem }),
    close: async () => {
      await api.close();
      model.close();
    },
  };
}

/** A PEM CSR for a fresh key (EC P-256, quick to make; RSA-2048 when asked), signed as a device would. */
export async function makeCsr(subject = 'CN=device', ec = true): Promise<string> {
  const keys = await generateKeyPair(ec ? { kind: 'EC', curve: 'P-256' } : { kind: 'RSA', bits: 2048 });
  const csr = await x509.Pkcs10CertificateRequestGenerator.create(
    { name: subject, keys, signingAlgorithm: ec ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSASSA-PKCS1-v1_5' } },
    cryptoProvider,
  );
  return csr.toString('pem');
}
