import { z } from 'zod';
import { runCommand as runSharedCommand, type CliIo, type Command } from '../../shared/cli/run-command.js';
import { describeAwsError } from '../../shared/operator/aws-error.js';

export { describeAwsError };
export type { CliIo };

export const REGION_ACCEPTS = 'an AWS region such as eu-west-1';
export const ENDPOINT_ACCEPTS = 'an http(s) URL such as http://127.0.0.1:4566';

export const regionSchema = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, `--region must be ${REGION_ACCEPTS}`)
  .optional();

export const endpointSchema = z
  .string()
  .refine((v) => /^https?:\/\/[^\s/]+/.test(v) && URL.canParse(v), `--endpoint must be ${ENDPOINT_ACCEPTS}`)
  .optional();

/** The flags every AWS command takes. */
export const COMMON_FLAGS = {
  region: { type: 'string', accepts: REGION_ACCEPTS },
  endpoint: { type: 'string', accepts: ENDPOINT_ACCEPTS },
  help: { type: 'boolean', default: false },
} as const;

/** AWS SDK client settings from the common flags; unset ones come from the standard chain. */
export function clientConfig(options: { region?: string | undefined; endpoint?: string | undefined }): {
  region?: string;
  endpoint?: string;
} {
  return {
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
  };
}

/** Common option help lines. */
export const COMMON_HELP = `  --region REGION          AWS region (default: AWS_REGION or the shared config's region)
  --endpoint URL           AWS API endpoint override, e.g. the local stand-in's http://127.0.0.1:<port>
  --help                   show this help
`;

/** An AWS command: a failure is told as the AWS error's name and message. */
export function runAwsCommand<O>(argv: string[], io: CliIo, command: Command<O>): Promise<number> {
  return runSharedCommand(argv, io, { describeFailure: describeAwsError, ...command });
}
