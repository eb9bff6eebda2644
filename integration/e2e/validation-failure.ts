import { COMPONENT_NAME } from '../../shared/contract/index.js';

/**
 * The component's own reason inside the nucleus's failure cause. The nucleus wraps a rejected
 * validation as `Components reported that their to-be-deployed configuration is invalid { name =
 * <component>, message = <reason> }` (one brace group per rejecting component); undefined when the
 * cause holds no group for the component.
 */
export function componentValidationMessage(failureCause: string, componentName = COMPONENT_NAME): string | undefined {
  const marker = `{ name = ${componentName}, message = `;
  const start = failureCause.indexOf(marker);
  if (start < 0) return undefined;
  const rest = failureCause.slice(start + marker.length);
  // The group ends at " }" followed by the next group, the next cause in the chain (". "), or the end.
  const end = /\s\}(?=\s\{ name = |\.\s|$)/.exec(rest);
  return end ? rest.slice(0, end.index) : rest;
}
