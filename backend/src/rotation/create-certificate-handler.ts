import { selectIssuer } from '../issuers/select-issuer.js';
import { createCertificateHandlerWith, type CreateCertificateSettings, type RotationHandler } from './create-certificate.js';

export type { CreateCertificateSettings, RotationHandler } from './create-certificate.js';

/** The create handler with every issuer: AWS IoT Core, or AWS Private CA when `settings.issuer` names it. */
export function createCreateCertificateHandler(settings: CreateCertificateSettings): RotationHandler {
  return createCertificateHandlerWith(selectIssuer, settings);
}
