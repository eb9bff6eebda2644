import { z } from 'zod';
import { readPointer } from '../../recipe-variables.js';
import type { ConfigStore } from '../../config-store.js';
import type { ValidationBroker } from '../../validation-broker.js';
import { IpcServiceError, keyNotFound } from '../errors.js';
import { defineOperation, type OperationHandler } from '../operation.js';

export interface ConfigurationDeps {
  config: ConfigStore;
  validation: ValidationBroker;
}

const keyPathSchema = z.array(z.string()).optional();
const getSchema = z.object({ componentName: z.string().min(1).optional(), keyPath: keyPathSchema });
const subscribeUpdatesSchema = z.object({ componentName: z.string().min(1).optional(), keyPath: keyPathSchema });
const reportSchema = z.object({
  configurationValidityReport: z.object({
    status: z.enum(['ACCEPTED', 'REJECTED']),
    deploymentId: z.string().optional(),
    message: z.string().optional(),
  }),
});

const pointerOf = (keyPath: string[]): string => `/${keyPath.map((k) => k.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;

export function configurationOperations(deps: ConfigurationDeps): OperationHandler[] {
  return [
    defineOperation({
      name: 'GetConfiguration',
      requestSchema: getSchema,
      responseShape: 'GetConfigurationResponse',
      async handle(request, caller) {
        const componentName = request.componentName ?? caller.componentName;
        const configuration = deps.config.configuration(componentName);
        if (configuration === undefined) throw keyNotFound();
        const keyPath = request.keyPath ?? [];
        if (keyPath.length === 0) return { componentName, value: configuration };
        const node = readPointer(configuration, pointerOf(keyPath));
        if (node === undefined) throw keyNotFound();
        // A leaf comes back wrapped in a map under its own key, as Greengrass answers.
        const isMap = typeof node === 'object' && node !== null && !Array.isArray(node);
        return { componentName, value: isMap ? node : { [keyPath.at(-1)!]: node } };
      },
    }),
    defineOperation({
      name: 'SubscribeToValidateConfigurationUpdates',
      requestSchema: z.object({}),
      responseShape: 'SubscribeToValidateConfigurationUpdatesResponse',
      eventShape: 'ValidateConfigurationUpdateEvents',
      async handle(_request, caller, stream) {
        const remove = deps.validation.addValidator(caller.componentName, (event) =>
          stream.send({ validateConfigurationUpdateEvent: event }),
        );
        stream.onClose(remove);
        return {};
      },
    }),
    defineOperation({
      name: 'SendConfigurationValidityReport',
      requestSchema: reportSchema,
      responseShape: 'SendConfigurationValidityReportResponse',
      async handle(request, caller) {
        const report = request.configurationValidityReport;
        if (report.deploymentId === undefined) {
          throw new IpcServiceError(
            'InvalidArgumentsError',
            'Cannot accept configuration validity report, the deployment ID provided was null',
          );
        }
        const accepted = deps.validation.report(caller.componentName, report.deploymentId, {
          status: report.status,
          message: report.message ?? '',
        });
        if (!accepted) throw new IpcServiceError('InvalidArgumentsError', 'Validation request either timed out or was never made');
        return {};
      },
    }),
    defineOperation({
      name: 'SubscribeToConfigurationUpdate',
      requestSchema: subscribeUpdatesSchema,
      responseShape: 'SubscribeToConfigurationUpdateResponse',
      eventShape: 'ConfigurationUpdateEvents',
      async handle(request, caller, stream) {
        const componentName = request.componentName ?? caller.componentName;
        const configuration = deps.config.configuration(componentName);
        if (configuration === undefined) throw keyNotFound();
        const watched = request.keyPath ?? [];
        if (watched.length > 0 && readPointer(configuration, pointerOf(watched)) === undefined) throw keyNotFound();
        const remove = deps.config.onChange((changed, keys) => {
          if (changed !== componentName) return;
          for (const key of keys) {
            if (watched.length > 0 && watched[0] !== key) continue;
            stream.send({ configurationUpdateEvent: { componentName, keyPath: watched.length > 0 ? watched : [key] } });
          }
        });
        stream.onClose(remove);
        return {};
      },
    }),
  ];
}
